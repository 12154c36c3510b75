/*
 * Script output: the one path every line a strategy writes takes (print,
 * warn, and host functions such as ctx.log through lsb_log_text).
 *
 *  1. Escaping: C0 controls and DEL become \n, \r, \t, \xHH; C1 controls,
 *     line/paragraph separators and bidi overrides/isolates become \u{HHHH}.
 *     A line can then never start a new log line or drive a terminal.
 *  2. A per-line cap: LSB_LOG_LINE_LIMIT bytes of escaped text, then the
 *     marker "...[truncated]".
 *  3. A byte budget per window of the sandbox clock (event time when the host
 *     drives the clock, as every deployment does; wall time otherwise):
 *     log_bytes_per_window bytes per log_window_seconds. Lines past it are
 *     dropped and counted; when the window ends (the clock moves on, the next
 *     line arrives, or the host flushes) one notice "log suppressed: N bytes"
 *     reports the count. Notices are not charged to the budget.
 *
 * Everything here runs without raising: print/warn build their line in a
 * stack buffer before calling in, and the sink is the host's.
 */
#define _GNU_SOURCE
#include "sandbox_internal.h"
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* The code point of a UTF-8 sequence at `text` that a terminal or log viewer
   treats as control (C1 controls, line/paragraph separators, bidi overrides
   and isolates), or 0. */
static uint32_t invisible_code_point(const char *text, size_t available) {
    const unsigned char *bytes = (const unsigned char *)text;
    if (available >= 2 && bytes[0] == 0xC2 && bytes[1] >= 0x80 && bytes[1] <= 0x9F) return bytes[1];
    if (available >= 3 && bytes[0] == 0xE2 && bytes[1] == 0x80 && bytes[2] >= 0xA8 && bytes[2] <= 0xAE)
        return 0x2000 + (bytes[2] - 0x80);
    if (available >= 3 && bytes[0] == 0xE2 && bytes[1] == 0x81 && bytes[2] >= 0xA6 && bytes[2] <= 0xA9)
        return 0x2040 + (bytes[2] - 0x80);
    return 0;
}

size_t lsb_escape_append(char *out, size_t written, const char *text, size_t length, int *truncated) {
    for (size_t j = 0; j < length; j++) {
        if (written >= LSB_LOG_LINE_LIMIT) { *truncated = 1; return written; }
        unsigned char c = (unsigned char)text[j];
        uint32_t invisible = invisible_code_point(text + j, length - j);
        if (invisible != 0) {
            written += (size_t)snprintf(out + written, 16, "\\u{%04X}", (unsigned)invisible);
            j += invisible < 0x800 ? 1 : 2;
        } else if (c == '\n') { memcpy(out + written, "\\n", 2); written += 2; }
        else if (c == '\r') { memcpy(out + written, "\\r", 2); written += 2; }
        else if (c == '\t') { memcpy(out + written, "\\t", 2); written += 2; }
        else if (c < 0x20 || c == 0x7f) {
            written += (size_t)snprintf(out + written, 8, "\\x%02X", c);
        } else { out[written++] = (char)c; }
    }
    return written;
}

size_t lsb_finish_line(char *out, size_t written, int truncated) {
    static const char marker[] = "...[truncated]";
    if (!truncated) return written;
    memcpy(out + written, marker, sizeof marker - 1);
    return written + sizeof marker - 1;
}

/* The budget window the sandbox clock is in now. */
static int64_t current_window(const lsb_sandbox *sandbox) {
    double now = sandbox->clock_now;
    if (!sandbox->clock_manual) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        now = (double)ts.tv_sec;
    }
    int64_t seconds = sandbox->limits.log_window_seconds > 0 ? sandbox->limits.log_window_seconds : 60;
    return (int64_t)floor(now / (double)seconds);
}

void lsb_log_flush(lsb_sandbox *sandbox) {
    if (sandbox->log_suppressed == 0) return;
    char note[160];
    int length = snprintf(note, sizeof note,
                          "log suppressed: %zu bytes (budget %zu bytes per %lld s of event time)",
                          sandbox->log_suppressed, sandbox->limits.log_bytes_per_window,
                          (long long)sandbox->limits.log_window_seconds);
    sandbox->log_suppressed = 0;
    if (sandbox->log_sink != NULL && length > 0)
        sandbox->log_sink(sandbox->owner, LSB_LOG_WARN, note, (size_t)length);
}

/* Moves the budget to the clock's window, reporting what the last one dropped. */
void lsb_log_advance(lsb_sandbox *sandbox) {
    int64_t window = current_window(sandbox);
    if (window == sandbox->log_window) return;
    lsb_log_flush(sandbox);
    sandbox->log_window = window;
    sandbox->log_window_bytes = 0;
}

void lsb_emit_log(lsb_sandbox *sandbox, int level, const char *line, size_t length) {
    lsb_log_advance(sandbox);
    if (sandbox->log_window_bytes + length > sandbox->limits.log_bytes_per_window) {
        sandbox->log_suppressed += length;
        return;
    }
    sandbox->log_window_bytes += length;
    if (sandbox->log_sink != NULL) sandbox->log_sink(sandbox->owner, level, line, length);
}

int32_t lsb_log_text(lsb_sandbox *sandbox, int32_t level, const char *text, size_t length) {
    if (level < LSB_LOG_PRINT || level > LSB_LOG_ERROR) return LSB_ERR_CONVERT;
    char line[LSB_LOG_LINE_BUFFER];
    int truncated = 0;
    size_t written = lsb_escape_append(line, 0, text, length, &truncated);
    written = lsb_finish_line(line, written, truncated);
    lsb_emit_log(sandbox, level, line, written);
    return LSB_OK;
}
