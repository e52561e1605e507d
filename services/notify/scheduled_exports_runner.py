"""The adapter a notify worker gets for scheduled exports: the content
fetched from the gateway's open data (``GATEWAY_URL``, one deadline, a
bounded read, no redirects) and the email sender; the decisions are in
``scheduled_exports``."""
import requests
from nameko.extensions import DependencyProvider

from services.notify import mail, messages, scheduled_exports
from services.notify.scheduled_exports import ExportFailed

MAX_EXPORT_BYTES = 8 * 1024 * 1024
FETCH_SECONDS = 10


class ExportRunner:
    def __init__(self, gateway_url, timeout=FETCH_SECONDS):
        self.gateway_url, self.timeout = gateway_url.rstrip("/"), timeout

    def fetch(self, path, query):
        """The export's text, as anyone downloads it from the gateway."""
        try:
            with requests.get(self.gateway_url + path, params=query, timeout=self.timeout, stream=True,
                              allow_redirects=False) as answer:
                if answer.status_code != 200:
                    raise ExportFailed(f"the gateway answered {answer.status_code} for {path}")
                body = answer.raw.read(MAX_EXPORT_BYTES + 1, decode_content=True)
        except requests.RequestException as exc:
            raise ExportFailed(f"the gateway did not answer: {type(exc).__name__}") from None
        if len(body) > MAX_EXPORT_BYTES:
            raise ExportFailed(f"the export is larger than {MAX_EXPORT_BYTES} bytes")
        return body.decode("utf-8")

    def run_due(self, store, outbound):
        """Run what is due with the outbound settings (deadlines, address checks) and SMTP of the worker."""
        def send_email(to, export, filename, text):
            mail.send_message(outbound.smtp, messages.export_email(outbound.smtp.sender, to, export, filename, text))

        deliver = scheduled_exports.delivery_of(outbound.settings, send_email)
        lease = outbound.settings.lease_seconds + self.timeout  # a run fetches, then delivers
        return scheduled_exports.run_due(store, outbound.worker, lease, self.fetch, deliver)


class ScheduledExportRunner(DependencyProvider):
    def setup(self):
        config = self.container.config
        self.runner = ExportRunner(config.get("GATEWAY_URL") or "http://127.0.0.1:8000",
                                   float(config.get("EXPORT_FETCH_SECONDS") or FETCH_SECONDS))

    def get_dependency(self, worker_ctx):
        return self.runner
