FROM python:3.11-slim-bookworm
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      libharfbuzz0b gettext postgresql-client && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml constraints.txt ./
COPY . .
RUN pip install --no-cache-dir -c constraints.txt . && python manage.py compilemessages -v0
ENV PYTHONUNBUFFERED=1
EXPOSE 8000
