"""The HTTP API, as the command line calls it."""
import requests

OK, FAILED, USAGE, NEEDS_REVIEW, REFUSED, UNREACHABLE = 0, 1, 2, 3, 4, 5


class ApiError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class Api:
    def __init__(self, url, token, timeout=120):
        self.url, self.token, self.timeout = url.rstrip("/"), token, timeout

    def call(self, method, path, **kwargs):
        headers = kwargs.pop("headers", {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            response = requests.request(method, f"{self.url}/api/v1{path}", headers=headers, timeout=self.timeout,
                                        **kwargs)
        except requests.RequestException as exc:
            raise ApiError(UNREACHABLE, f"cannot reach {self.url}: {exc}") from None
        if response.status_code >= 500:
            raise ApiError(UNREACHABLE, f"{method} {path}: {response.status_code} {response.text[:500]}")
        if response.status_code >= 400:
            raise ApiError(REFUSED, f"{method} {path}: {response.status_code} {response.text[:2000]}")
        return response.json()
