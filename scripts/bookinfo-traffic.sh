#!/bin/sh
# Sends COUNT requests to Bookinfo's product page (COUNT=0: without end, as a steady load) and
# checks that each answer is a whole product page: HTTP 200 with the book's details and its
# reviews. productpage answers 200 with "Sorry, product reviews are currently unavailable"
# (or details, or "Ratings service is currently unavailable") when a backend is down: that
# counts as a failure. Runs in the curl image (POSIX sh, busybox).
#
# With WARMUP_PAGES, it first warms the chain up (the reviews JVMs answer their first requests
# slowly): it asks until WARMUP_PAGES pages in a row are whole, for at most WARMUP_SECONDS,
# pausing WARMUP_PAUSE seconds after a failure. Warm-up pages do not count.
#
# Each request gets at most REQUEST_SECONDS. While counting, a running count every 10 requests
# ("after 10 of 50 requests: 10 whole pages") lets the node give a verdict even when the Job is
# stopped at its deadline before the final count.
set -eu

: "${URL:?the product page URL}"
: "${COUNT:?how many requests, 0 for a steady load}"
: "${INTERVAL:?seconds between requests}"
: "${REQUEST_SECONDS:?the most seconds one request may take}"
WARMUP_PAGES="${WARMUP_PAGES:-0}"
WARMUP_SECONDS="${WARMUP_SECONDS:-0}"
WARMUP_PAUSE="${WARMUP_PAUSE:-1}"

# Prints why a page is not a whole product page, and fails; $1: body file, $2: HTTP status.
check_page() {
  if [ "$2" != 200 ]; then
    echo "HTTP $2"
    return 1
  fi
  if grep -q "currently unavailable" "$1"; then
    echo "a backend is down: $(grep -o '[A-Za-z ]* currently unavailable' "$1" | head -n 1 | sed 's/^ *//')"
    return 1
  fi
  for part in "Book Details" "ISBN-10" "Book Reviews" "Reviewer1"; do
    if ! grep -q "$part" "$1"; then
      echo "no \"$part\" on the page"
      return 1
    fi
  done
}

body="$(mktemp)"

# Asks for the page once; prints why it is not whole, and fails, when it is not.
request() {
  status="$(curl -s -o "$body" -w '%{http_code}' --max-time "$REQUEST_SECONDS" "$URL" || true)"
  check_page "$body" "${status:-000}"
}

if [ "$WARMUP_PAGES" -gt 0 ]; then
  start="$(date +%s)"
  streak=0
  tries=0
  while [ "$streak" -lt "$WARMUP_PAGES" ] && [ "$(($(date +%s) - start))" -lt "$WARMUP_SECONDS" ]; do
    tries=$((tries + 1))
    if request >/dev/null; then
      streak=$((streak + 1))
    else
      streak=0
      sleep "$WARMUP_PAUSE"
    fi
  done
  if [ "$streak" -ge "$WARMUP_PAGES" ]; then
    echo "warm-up: ${WARMUP_PAGES} whole pages in a row after ${tries} requests"
  else
    echo "warm-up: not ${WARMUP_PAGES} whole pages in a row within ${WARMUP_SECONDS} s (${tries} requests); counting all the same"
  fi
fi

i=0
ok=0
while [ "$COUNT" -eq 0 ] || [ "$i" -lt "$COUNT" ]; do
  i=$((i + 1))
  if reason="$(request)"; then
    ok=$((ok + 1))
  else
    echo "request ${i}: ${reason}"
  fi
  if [ "$COUNT" -gt 0 ] && [ "$i" -lt "$COUNT" ] && [ $((i % 10)) -eq 0 ]; then
    echo "after ${i} of ${COUNT} requests: ${ok} whole pages"
  fi
  if [ "$INTERVAL" != 0 ]; then
    sleep "$INTERVAL"
  fi
done
rm -f "$body"
echo "${ok} of ${COUNT} product pages complete"
[ "$ok" -eq "$COUNT" ]
