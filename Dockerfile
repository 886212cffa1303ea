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

EXPOSE 8000
CMD ["gunicorn", "wijkportaal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
