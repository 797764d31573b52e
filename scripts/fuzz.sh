#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang-14 in build-fuzz/ (never part of the normal
# build) and runs each for a bounded time on a copy of its seed corpus in fuzz/corpus/<target>/.
# A crash stops the script with the crashing input in build-fuzz/crashes/<target>/; keep it in the
# corpus and as a unit test once fixed.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"

if ! command -v clang++-14 >/dev/null || ! dpkg-query -W libclang-rt-14-dev >/dev/null 2>&1; then
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends clang-14 libclang-rt-14-dev
fi

targets=(portal_page_parser_fuzzer page_token_fuzzer comment_validation_fuzzer
  term_matcher_fuzzer)
flags="-g -O1 -fno-omit-frame-pointer -fsanitize=address,fuzzer-no-link"
CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DNEWS_FUZZ=ON -DBUILD_TESTING=OFF \
  -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS=${flags}" \
  "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address" >/dev/null
cmake --build build-fuzz -j2 --target "${targets[@]}"

for target in "${targets[@]}"; do
  work="build-fuzz/corpus/${target}"
  crashes="build-fuzz/crashes/${target}"
  mkdir -p "${work}" "${crashes}"
  cp -n fuzz/corpus/"${target}"/* "${work}/" 2>/dev/null || true
  echo "== ${target}: ${seconds} s"
  "build-fuzz/fuzz/${target}" -max_total_time="${seconds}" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="${crashes}/" -print_final_stats=1 "${work}" 2>"build-fuzz/${target}.log" \
    || { tail -n 60 "build-fuzz/${target}.log"; echo "${target}: crash, input in ${crashes}/"; exit 1; }
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb" "build-fuzz/${target}.log" || true
done
echo "fuzz: all targets ran ${seconds} s each without a crash"
