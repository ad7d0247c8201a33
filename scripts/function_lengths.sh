#!/bin/sh
# Lists C++ functions longer than a limit (default 150 lines), longest first,
# using Universal Ctags' end-line field. Usage:
#   scripts/function_lengths.sh [limit] [dir...]   (default dir: tools/awsemu)
# Exits 1 when any function is over the limit, so it can gate a change.
limit=${1:-150}
[ $# -gt 0 ] && shift
dirs=${*:-tools/awsemu}
ctags -R --languages=C++ --kinds-C++=f --fields=+ne -f - $dirs |
  awk -F'\t' -v limit="$limit" '
    { line = 0; end = 0
      for (i = 4; i <= NF; i++) {
        if ($i ~ /^line:/) line = substr($i, 6)
        if ($i ~ /^end:/) end = substr($i, 5)
      }
      if (line && end) printf "%d\t%s:%d\t%s\n", end - line + 1, $2, line, $1 }' |
  sort -rn |
  awk -F'\t' -v limit="$limit" '
    $1 > limit { over = 1; print }
    END { if (!over) print "no function over " limit " lines"; exit over }'
