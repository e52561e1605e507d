# One image for every service; docker-compose.yml picks the command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY requirements.lock pyproject.toml ./
RUN pip install --no-cache-dir -r requirements.lock
# The gateway prints country briefs to PDF with Debian's headless Chromium (issue 20).
RUN apt-get update && apt-get install -y --no-install-recommends chromium && rm -rf /var/lib/apt/lists/*

COPY observatory/ observatory/
COPY services/ services/
COPY gateway/ gateway/
COPY scripts/ scripts/
COPY config.yaml ./
RUN pip install --no-cache-dir --no-deps --no-build-isolation . \
    && useradd --system --uid 10001 observatory
USER observatory

CMD ["nameko", "run", "--config", "config.yaml", "gateway.service:GatewayService"]
