# Govern worker / CLI image. The Temporal servers are not needed in production images.
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY governance governance
COPY workflows workflows
COPY activities activities
COPY integrations integrations
COPY workers workers
COPY starters starters
COPY runtime runtime
COPY odoo_sim odoo_sim
COPY policies policies
RUN pip install -e . && useradd --system --uid 10001 govern
USER govern
ENTRYPOINT []
CMD ["govern", "worker"]
