FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml','rb'))['project']['dependencies']))" > requirements.txt \
    && pip install -r requirements.txt

COPY . .
RUN DJANGO_ENV=production SECRET_KEY=build-only-placeholder-key-that-is-long-enough-xxxxxxxx \
    python manage.py collectstatic --noinput \
    && useradd --system --uid 1000 wijkportaal && chown -R wijkportaal /app
USER wijkportaal

# gunicorn reads both variables (override them per deployment). Requests end within a
# second or two (large imports run in the background), so 60 s only stops a stuck
# worker; 4 workers suit 2 CPUs (2 x cores).
ENV WEB_CONCURRENCY=4 \
    GUNICORN_CMD_ARGS="--timeout 60 --graceful-timeout 30 --keep-alive 5"
EXPOSE 8000
CMD ["gunicorn", "wijkportaal.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
