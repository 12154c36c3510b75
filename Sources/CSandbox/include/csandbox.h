#ifndef LUNAR_CSANDBOX_H
#define LUNAR_CSANDBOX_H
/*
 * The C half of the Lua sandbox. Everything that touches a lua_State lives
 * here, because a Lua error is a longjmp and Swift frames cannot survive one:
 * Swift calls these functions, which never raise, and exchanges values with
 * them through flat "tapes" of lsb_value.
 *
 * Ownership: lsb_open creates the state, lsb_close frees it; the Swift
 * `Sandbox` class holds the only lsb_sandbox pointer. An lsb_sandbox is used
 * by one thread at a time; the watchdog thread never dereferences it.
 */
#include <stddef.h>
#include <stdint.h>

typedef struct lsb_sandbox lsb_sandbox;

/* ---- values exchanged with Swift ---------------------------------------- */

typedef enum {
    LSB_NIL = 0,
    LSB_BOOLEAN = 1,
    LSB_INTEGER = 2,
    LSB_NUMBER = 3,
    LSB_STRING = 4,
    LSB_ARRAY = 5, /* followed by count values */
    LSB_MAP = 6,   /* followed by count (string key, value) pairs */
    LSB_REFERENCE = 7, /* Swift to C only: the value held by registry reference `integer` */
    LSB_RECORD = 8     /* Swift to C only: a table with the keys of record layout
                          `integer` (a registry reference), followed by `count` values */
} lsb_kind;

/* One value of a tape. A tape lists values in pre-order: a table entry is
   followed by its children (maps: key, value, key, value ...). In tapes C
   writes, `end` is the index just past the value's subtree, so the reader can
   skip to the next sibling. Strings point either into Lua memory (C to Swift:
   valid until lsb_finish_call or the host function returns) or, Swift to C,
   hold an offset into the call's byte arena in `integer` with string NULL. */
typedef struct {
    int32_t kind;
    int32_t count;
    int64_t end;
    int64_t integer;
    double number;
    const char *string;
    size_t length;
} lsb_value;

/* ---- limits ------------------------------------------------------------- */

typedef struct {
    size_t memory_limit;          /* bytes, including allocator overhead */
    int64_t cpu_limit_ns;         /* thread CPU time per call */
    int64_t wall_limit_ns;        /* wall-clock time per call */
    uint64_t random_seed;         /* math.random seed */
    size_t log_bytes_per_window;  /* script output (escaped bytes) per log window */
    int64_t log_window_seconds;   /* length of a log window, in sandbox-clock seconds */
    size_t max_source_bytes;      /* largest chunk load() accepts */
    int32_t max_convert_values;   /* values in one converted table tree */
    int32_t max_convert_depth;    /* nesting of converted tables */
} lsb_limits;

/* ---- status codes ------------------------------------------------------- */

typedef enum {
    LSB_OK = 0,
    LSB_ERR_RUNTIME = 1,      /* a Lua error; message, chunk, line, traceback set */
    LSB_ERR_SYNTAX = 2,       /* the chunk did not compile */
    LSB_ERR_MEMORY = 3,       /* memory quota exceeded: the state is poisoned */
    LSB_ERR_CPU = 4,          /* CPU-time quota exceeded: poisoned */
    LSB_ERR_WALL = 5,         /* wall-clock deadline passed: poisoned */
    LSB_ERR_CONVERT = 6,      /* a result could not be converted; message set */
    LSB_ERR_BUSY = 7,         /* a call is already running on this sandbox or thread */
    LSB_ERR_BINARY = 8,       /* a precompiled chunk was offered as source */
    LSB_ERR_TOO_LARGE = 9,    /* the source exceeds max_source_bytes */
    LSB_ERR_NOT_FUNCTION = 10 /* the named global is absent or not a function */
} lsb_status;

/* ---- host functions ----------------------------------------------------- */

/* Called by Lua (through a C trampoline) when a script calls a registered host
   function. args[0..<value_count] is a pre-order tape holding argc top-level
   arguments (valid only during the call). The implementation
   writes results with lsb_out_* and returns the number of top-level results,
   or -1 after lsb_out_error. It must not call into this sandbox's Lua state. */
typedef int32_t (*lsb_host_dispatch)(void *owner, int32_t function_index,
                                     const lsb_value *args, int32_t value_count,
                                     int32_t argc, lsb_sandbox *sandbox);

/* Levels of script output lines. */
enum { LSB_LOG_PRINT = 0, LSB_LOG_WARN = 1, LSB_LOG_DEBUG = 2, LSB_LOG_INFO = 3, LSB_LOG_ERROR = 4 };

/* Receives one escaped, bounded line of script output (an LSB_LOG_* level). */
typedef void (*lsb_log_sink)(void *owner, int32_t level, const char *line, size_t length);

/* ---- lifecycle ---------------------------------------------------------- */

/* Creates a state with the restricted environment. Returns NULL if even the
   empty environment does not fit the memory limit. */
lsb_sandbox *lsb_open(const lsb_limits *limits, void *owner,
                      lsb_host_dispatch dispatch, lsb_log_sink log_sink);
void lsb_close(lsb_sandbox *sandbox);

/* Replaces the Lua state with a fresh one (same limits, no modules, no
   fault). References resolved before are invalid: the generation changes.
   Returns LSB_OK, LSB_ERR_BUSY or LSB_ERR_MEMORY (then the sandbox is unusable). */
int32_t lsb_reset(lsb_sandbox *sandbox);
uint64_t lsb_generation(const lsb_sandbox *sandbox);
/* The pointer handed back to dispatch and log_sink. */
void lsb_set_owner(lsb_sandbox *sandbox, void *owner);

void lsb_memory(const lsb_sandbox *sandbox, size_t *current, size_t *peak);

/* The clock seen through os.time/os.clock/os.date: seconds since the Unix
   epoch. `manual` 0 means the wall clock. */
void lsb_set_clock(lsb_sandbox *sandbox, int manual, double now_seconds);

/* Registers a read-only module `name` whose functions call dispatch with the
   given indices. Returns LSB_OK or LSB_ERR_MEMORY. */
int32_t lsb_register_module(lsb_sandbox *sandbox, const char *name,
                            const char *const *function_names,
                            const int32_t *function_indices, int32_t count);

/* Sets data field `field` of host module `module` to the first value of the
   tape (strings as arena offsets). With read_only, tables become read-only
   proxies (recursively); otherwise the script may change their contents,
   though never replace the field itself. */
int32_t lsb_set_module_field(lsb_sandbox *sandbox, const char *module, const char *field,
                             const lsb_value *values, int32_t value_count, const uint8_t *arena,
                             int read_only);

/* Converts module field `module.field` (module NULL: the script's global
   `field`) into the results tape (read it with lsb_results, release with
   lsb_finish_call). LSB_ERR_CONVERT with the message in lsb_error_message
   when it cannot be converted. */
int32_t lsb_read_module_field(lsb_sandbox *sandbox, const char *module, const char *field);

/* Pins the value of global `name` (any type, e.g. a host module) in the
   registry so calls can pass it cheaply as an LSB_REFERENCE argument. */
int32_t lsb_reference_global(lsb_sandbox *sandbox, const char *name, int32_t *reference);

/* Pins a string (bytes[0..<length], embedded zeros allowed) in the
   registry, so calls and records can pass it as an LSB_REFERENCE without
   copying or hashing it again (an event's symbol). */
int32_t lsb_reference_string(lsb_sandbox *sandbox, const char *bytes, int32_t length, int32_t *reference);

/* Stores the keys of a record layout (interned once) for LSB_RECORD arguments. */
int32_t lsb_make_record_layout(lsb_sandbox *sandbox, const char *const *keys, int32_t count,
                               int32_t *reference);

/* ---- published results -------------------------------------------------- */

/* A host function can be answered in C, without calling dispatch, when the
   host has published its results for the arguments given: the script's call
   then costs about what a plain lua_CFunction costs. Entries are keyed by the
   function, a scope and up to LSB_PUBLISHED_ARGUMENTS numeric arguments
   (compared bit for bit; an integer argument as the nearest double). An
   unscoped function matches calls with numbers only; a scoped one takes its
   scope from a trailing string argument (a name given to lsb_name_scope) or,
   without one, from lsb_set_scope. Every other call (other argument types,
   `module:function()` calls, no entry) goes to dispatch as before. The host
   must keep each entry equal to what dispatch would answer for its key.
   Entries and names are charged to the memory quota, bounded by the limits
   below, and dropped by lsb_reset (a handle holds the generation it was made
   in; a stale one is ignored). */
enum { LSB_PUBLISH_NONE = 0, LSB_PUBLISH_UNSCOPED = 1, LSB_PUBLISH_SCOPED = 2 };
#define LSB_PUBLISHED_ARGUMENTS 3
#define LSB_PUBLISHED_RESULTS 3
#define LSB_PUBLISHED_LIMIT 1024
#define LSB_SCOPE_NAME_LIMIT 256
#define LSB_SCOPE_NAME_BYTES 32
/* Table answers: at most LSB_PUBLISHED_FIELDS fields, one of them a string
   of at most LSB_PUBLISHED_TEXT_BYTES bytes, keys from at most
   LSB_PUBLISHED_KEY_LIMIT names of at most LSB_PUBLISHED_KEY_BYTES bytes. */
#define LSB_PUBLISHED_FIELDS 8
#define LSB_PUBLISHED_TEXT_BYTES 32
#define LSB_PUBLISHED_KEY_LIMIT 32
#define LSB_PUBLISHED_KEY_BYTES 23

/* Sets how host function `function_index` may be answered (LSB_PUBLISH_*). */
int32_t lsb_set_publish_mode(lsb_sandbox *sandbox, int32_t function_index, int32_t mode);

/* Finds or creates the entry for a key (scope ignored for unscoped
   functions). *entry receives its index, *created 1 if it is new (its
   result is nil until published). LSB_ERR_CONVERT for a function that is
   not published or a non-finite argument, LSB_ERR_TOO_LARGE at
   LSB_PUBLISHED_LIMIT, LSB_ERR_MEMORY when the quota refuses it. */
int32_t lsb_publish_entry(lsb_sandbox *sandbox, int32_t function_index, int32_t scope, const double *arguments,
                          int32_t argc, int32_t *entry, int *created);

/* Replaces an entry's results: one nil, one integer, or 1...3 numbers. */
void lsb_publish_nil(lsb_sandbox *sandbox, int32_t entry, uint64_t generation);
void lsb_publish_integer(lsb_sandbox *sandbox, int32_t entry, uint64_t generation, int64_t value);
void lsb_publish_numbers(lsb_sandbox *sandbox, int32_t entry, uint64_t generation, int32_t count,
                         double first, double second, double third);

/* Table answers (what a function building a small record answers): a key
   registered once (*key receives its index; LSB_ERR_CONVERT for an empty,
   too long or NUL-holding name, LSB_ERR_TOO_LARGE past the limit), then
   lsb_publish_table starts an empty table answer and each field call appends
   one field, in the order the table is to be filled. A field that does not
   fit (past LSB_PUBLISHED_FIELDS, a second or too long string, an unknown
   key) makes the entry unavailable until the next lsb_publish_table, and
   lsb_publish_unavailable does so at once: calls then take the ordinary
   path, never a partial answer. */
int32_t lsb_published_key(lsb_sandbox *sandbox, const char *name, size_t length, int32_t *key);
void lsb_publish_table(lsb_sandbox *sandbox, int32_t entry, uint64_t generation);
void lsb_publish_field_number(lsb_sandbox *sandbox, int32_t entry, uint64_t generation, int32_t key, double value);
void lsb_publish_field_string(lsb_sandbox *sandbox, int32_t entry, uint64_t generation, int32_t key,
                              const char *bytes, size_t length);
void lsb_publish_unavailable(lsb_sandbox *sandbox, int32_t entry, uint64_t generation);

/* Called by a host function's body (from dispatch): answer this call with
   published entry `entry`, which the body has just written, instead of
   results on the output tape (the body then writes none). Returns 1, or 0
   when the entry is stale or unavailable (then the body must write its
   results as usual). */
int32_t lsb_answer_published(lsb_sandbox *sandbox, int32_t entry, uint64_t generation);

/* The scope of scoped calls without a name; -1: none (they take the
   ordinary path). */
void lsb_set_scope(lsb_sandbox *sandbox, int32_t scope);
/* Names a scope for trailing string arguments (at most LSB_SCOPE_NAME_BYTES
   bytes). LSB_ERR_TOO_LARGE past LSB_SCOPE_NAME_LIMIT names. */
int32_t lsb_name_scope(lsb_sandbox *sandbox, const char *name, size_t length, int32_t scope);

/* ---- loading ------------------------------------------------------------ */

/* Compiles `source` (text only) and runs its main chunk under the quotas.
   When dump_out is not NULL and compilation succeeds, *dump_out receives a
   malloc'd copy of the compiled form (free with lsb_free_dump) for the
   host's own cache. */
int32_t lsb_load_source(lsb_sandbox *sandbox, const char *source, size_t length,
                        const char *chunk_name, void **dump_out, size_t *dump_length);

/* Loads a compiled form previously produced by lsb_load_source in this
   process (never bytes from a user) and runs its main chunk. */
int32_t lsb_load_compiled(lsb_sandbox *sandbox, const void *compiled, size_t length,
                          const char *chunk_name);
void lsb_free_dump(void *dump);

/* ---- calling ------------------------------------------------------------ */

/* Finds global function `name` and stores a reference to it in *reference.
   Returns LSB_OK, LSB_ERR_NOT_FUNCTION or LSB_ERR_MEMORY. */
int32_t lsb_resolve(lsb_sandbox *sandbox, const char *name, int32_t *reference);

/* Releases a reference from lsb_resolve, lsb_reference_global or
   lsb_reference_string (between calls). */
void lsb_release(lsb_sandbox *sandbox, int32_t reference);

/* Calls a resolved function with argc top-level arguments taken from the
   pre-order tape args[0..<value_count] (strings as offsets into arena). On
   LSB_OK, results are available through lsb_results until lsb_finish_call.
   On any other status, error details are available through lsb_error_*
   until the next call. Flags: LSB_CALL_REUSE_TABLES writes each top-level
   map argument into a table kept for that argument position between calls
   (same identity every call; the caller sets the same fields each time);
   LSB_CALL_DISCARD_RESULTS drops the results unread. */
enum { LSB_CALL_REUSE_TABLES = 1, LSB_CALL_DISCARD_RESULTS = 2 };
int32_t lsb_call(lsb_sandbox *sandbox, int32_t reference, const lsb_value *args,
                 int32_t value_count, int32_t argc, const uint8_t *arena, int flags);

/* The results tape of the last successful call: top-level values first. */
const lsb_value *lsb_results(const lsb_sandbox *sandbox, int32_t *count);
void lsb_finish_call(lsb_sandbox *sandbox);

/* ---- script output ------------------------------------------------------ */

/* Sends `text` to the log sink through the same path as print/warn: escaped,
   capped per line, charged to the window budget. For host functions (such as
   ctx.log) and between calls. LSB_ERR_CONVERT for an unknown level. */
int32_t lsb_log_text(lsb_sandbox *sandbox, int32_t level, const char *text, size_t length);

/* Reports the bytes the current log window has suppressed so far, if any, as
   one notice line (the host calls it when a run ends). */
void lsb_log_flush(lsb_sandbox *sandbox);

/* ---- errors ------------------------------------------------------------- */

const char *lsb_error_message(const lsb_sandbox *sandbox, size_t *length);
const char *lsb_error_traceback(const lsb_sandbox *sandbox, size_t *length);
const char *lsb_error_chunk(const lsb_sandbox *sandbox);
int32_t lsb_error_line(const lsb_sandbox *sandbox);

/* Where the script was when its quota stop (CPU, wall clock, memory) fired:
   the innermost Lua function with a line, recorded in C by the hook, the
   allocator or the polling builtin that raised the stop. Line 0 and an empty
   chunk when unknown. Cleared by lsb_reset. */
const char *lsb_fault_chunk(const lsb_sandbox *sandbox);
int32_t lsb_fault_line(const lsb_sandbox *sandbox);

/* ---- writing host-function results (only inside lsb_host_dispatch) ------ */

void lsb_out_nil(lsb_sandbox *sandbox);
void lsb_out_boolean(lsb_sandbox *sandbox, int value);
void lsb_out_integer(lsb_sandbox *sandbox, int64_t value);
void lsb_out_number(lsb_sandbox *sandbox, double value);
void lsb_out_string(lsb_sandbox *sandbox, const char *bytes, size_t length);
/* Starts a table; the next `count` values (arrays) or `count` key/value
   pairs (maps: key written with lsb_out_string) belong to it, in pre-order. */
void lsb_out_array(lsb_sandbox *sandbox, int32_t count);
void lsb_out_map(lsb_sandbox *sandbox, int32_t count);
void lsb_out_error(lsb_sandbox *sandbox, const char *message, size_t length);

/* ---- benchmarks --------------------------------------------------------- */

/* The same steps done with the raw C API, for comparison in `make bench`.
   The call timings (raw_pcall, sandbox_call, raw_host_call) are in thread
   CPU time, as the Swift side of each comparison is. */
double lsb_bench_raw_pcall_ns(const char *source, const char *function_name, int64_t iterations);
double lsb_bench_raw_load_ns(const char *source, size_t length, int64_t iterations);
double lsb_bench_raw_state_bytes(void);
double lsb_bench_sandbox_call_ns(lsb_sandbox *sandbox, int32_t reference, int64_t iterations);
/* Host calls through plain lua_CFunctions in a plain state: global table
   `host` holds now() (an integer from C memory, what ctx.now does), sma(p)
   (checks the period, returns a running SMA from C memory, what ta.sma
   does) and position() (builds a 5-field table, what ctx.position returns).
   Runs `source`, then times one call of its global `run(iterations)` in
   thread CPU time; returns nanoseconds per iteration, the loop included. */
double lsb_bench_raw_host_call_ns(const char *source, int64_t iterations);
/* Bytes of C heap in use (glibc mallinfo2), for memory figures. */
size_t lsb_bench_heap_in_use(void);

#endif
