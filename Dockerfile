# The portal's image: web (gunicorn), worker and beat all run it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint needs Pango and HarfBuzz; Chinese needs Noto Sans CJK; catalogues need gettext.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
      fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 portal
WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN mkdir config core partners cooperation events reviews reports portal api plandata \
 && pip install --no-cache-dir -e . \
 && rm -rf *.egg-info
COPY . .
RUN pip install --no-cache-dir --no-deps -e . \
 && python manage.py compilemessages --ignore '.venv' -v0 \
 && DEBUG=false SECRET_KEY=build-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz \
    python manage.py collectstatic --noinput -v0 \
 && mkdir -p /data/media && chown portal:portal /data/media

USER portal
ENV DEBUG=false MEDIA_ROOT=/data/media STATIC_ROOT=/app/staticfiles
EXPOSE 8000
# Worker class, processes and threads: config/gunicorn.conf.py (WEB_CONCURRENCY, WEB_THREADS).
CMD ["gunicorn", "config.wsgi", "--config", "config/gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
