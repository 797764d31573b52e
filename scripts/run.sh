#!/usr/bin/env bash
# The README's run command: builds the project and runs news-server on 127.0.0.1:50051.
# Without DATABASE_URL it uses the project-local PostgreSQL (scripts/local-postgres.sh) and
# imports the sample articles the first time. Extra arguments go to news-server.
set -euo pipefail
cd "$(dirname "$0")/.."
# Only what running needs: the tests and benchmarks are built by scripts/test.sh.
scripts/build.sh news-server newsctl news-client
if [ -z "${DATABASE_URL:-}" ]; then
  eval "$(scripts/local-postgres.sh start)"
  export DATABASE_URL
  if [ "$NEWS_DB_CREATED" = 1 ]; then
    build/server/newsctl import db/samples/*.txt
  fi
fi
# Rebuilds what a migration left to rebuild from the articles' text: queued search documents and
# related-news terms (docs/discovery.md).
build/server/newsctl reindex
exec build/server/news-server "$@"
