# auditor in a container: `docker run --rm -v "$PWD:/work" auditor check docs/`.
# The working directory /work is meant to be a mounted volume: the documents, targets.yaml
# and the reports/ it writes. How to run the weekly audit in it: docs/container.md.

# Build the wheel in a throw-away stage: no build tools in the image.
FROM python:3.12-slim AS wheel
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY auditor/ auditor/
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.12-slim
LABEL org.opencontainers.image.title="auditor" \
      org.opencontainers.image.description="Find every reference in published documents and check that it is still true" \
      org.opencontainers.image.source="https://github.com/auditor-project/auditor" \
      org.opencontainers.image.licenses="MIT"
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN groupadd --gid 10001 auditor && useradd --uid 10001 --gid 10001 --create-home auditor
COPY --from=wheel /wheels /tmp/wheels
RUN pip install --no-cache-dir /tmp/wheels/*.whl && rm -rf /tmp/wheels
USER 10001:10001
WORKDIR /work
VOLUME ["/work"]
ENTRYPOINT ["auditor"]
CMD ["--help"]
