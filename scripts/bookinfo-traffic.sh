#!/bin/sh
# Sends COUNT requests to Bookinfo's product page (COUNT=0: without end, as a steady load) and
# checks that each answer is a whole product page: HTTP 200 with the book's details and its
# reviews. productpage answers 200 with "Sorry, product reviews are currently unavailable"
# (or details, or "Ratings service is currently unavailable") when a backend is down: that
# counts as a failure. Runs in the curl image (POSIX sh, busybox).
set -eu

: "${URL:?the product page URL}"
: "${COUNT:?how many requests, 0 for a steady load}"
: "${INTERVAL:?seconds between requests}"

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
i=0
ok=0
while [ "$COUNT" -eq 0 ] || [ "$i" -lt "$COUNT" ]; do
  i=$((i + 1))
  status="$(curl -s -o "$body" -w '%{http_code}' --max-time 10 "$URL" || true)"
  if reason="$(check_page "$body" "${status:-000}")"; then
    ok=$((ok + 1))
  else
    echo "request ${i}: ${reason}"
  fi
  if [ "$INTERVAL" != 0 ]; then
    sleep "$INTERVAL"
  fi
done
rm -f "$body"
echo "${ok} of ${COUNT} product pages complete"
[ "$ok" -eq "$COUNT" ]
