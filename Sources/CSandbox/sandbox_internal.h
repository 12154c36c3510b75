#ifndef LUNAR_SANDBOX_INTERNAL_H
#define LUNAR_SANDBOX_INTERNAL_H
/* Internal to the CSandbox target: shared by its .c files, never seen by Swift. */
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdatomic.h>
#include <stdint.h>
#include <pthread.h>
#include "csandbox.h"

/* Raises a Lua error ("cpu quota exceeded" / "memory quota exceeded") when the
   current call has been stopped by the watchdog or has run out of memory.
   Every C loop whose length a script controls calls this every
   LSB_POLL_INTERVAL iterations: the VM's count hook does not run inside C
   functions, so this is how the CPU quota reaches them. */
void lsb_poll(lua_State *L);
#define LSB_POLL_INTERVAL 256

/* 1 when the sandbox owning L must stop (CPU, wall-clock or memory quota). */
int lsb_is_poisoned(lua_State *L);

/* Pushes the preallocated message for the current fault and raises it.
   Never returns. Allocates nothing, so it works at the memory limit. */
int lsb_raise_fault(lua_State *L);

/* Marks the sandbox's memory quota as exceeded (used by builtins that refuse
   an oversized request before allocating it). */
void lsb_mark_memory_exceeded(lua_State *L);

/* Bytes the sandbox may still allocate before its memory quota. */
size_t lsb_memory_remaining(lua_State *L);

/* The sandbox that owns L (any thread of that state). */
lsb_sandbox *lsb_from_state(lua_State *L);

/* Re-implemented string pattern functions (sandbox_patterns.c) and table
   library (sandbox_table.c): Lua 5.4 semantics, with lsb_poll. */
int lsb_str_find(lua_State *L);
int lsb_str_match(lua_State *L);
int lsb_str_gmatch(lua_State *L);
int lsb_str_gsub(lua_State *L);
int lsb_str_rep(lua_State *L);

int lsb_tab_concat(lua_State *L);
int lsb_tab_insert(lua_State *L);
int lsb_tab_remove(lua_State *L);
int lsb_tab_move(lua_State *L);
int lsb_tab_sort(lua_State *L);
int lsb_tab_unpack(lua_State *L);
int lsb_tab_pack(lua_State *L);


/* ---- the sandbox context (layout private to this target) ---------------- */

struct lsb_slot;
typedef struct lsb_slot lsb_slot;

/* A growable tape of values that C writes (results, host-function arguments)
   or Swift writes (host-function results, with its own byte arena). */
typedef struct {
    lsb_value *values;
    int32_t count;
    int32_t capacity;
    char *bytes;          /* only for tapes whose strings are copied */
    size_t byte_count;
    size_t byte_capacity;
} lsb_tape;

/* One published answer (sandbox_published.c). */
typedef struct {
    int32_t function;     /* host function index */
    int32_t scope;        /* -1 for unscoped functions */
    int32_t argc;
    int32_t result_count; /* 1...LSB_PUBLISHED_RESULTS; -1: unavailable (calls take the ordinary path) */
    uint64_t arguments[LSB_PUBLISHED_ARGUMENTS]; /* bit patterns of the doubles */
    int32_t kinds[LSB_PUBLISHED_RESULTS];        /* LSB_NIL, LSB_INTEGER or LSB_NUMBER */
    int64_t integers[LSB_PUBLISHED_RESULTS];
    double numbers[LSB_PUBLISHED_RESULTS];
    /* A table answer (kinds[0] == LSB_MAP): its fields in insertion order,
       each a key (index into the sandbox's published keys) and a number or
       the one string `text`. */
    int32_t field_count;
    uint8_t field_keys[LSB_PUBLISHED_FIELDS];
    uint8_t field_kinds[LSB_PUBLISHED_FIELDS]; /* LSB_NUMBER or LSB_STRING */
    double field_numbers[LSB_PUBLISHED_FIELDS];
    uint8_t text_length;
    char text[LSB_PUBLISHED_TEXT_BYTES];
} lsb_published;

/* A field name of published table answers, NUL-terminated for lua_setfield. */
typedef struct {
    char bytes[LSB_PUBLISHED_KEY_BYTES + 1];
} lsb_published_field_name;

/* A scope the host named (e.g. a symbol), for trailing string arguments. */
typedef struct {
    char bytes[LSB_SCOPE_NAME_BYTES];
    size_t length;
    int32_t scope;
} lsb_scope_name;

struct lsb_sandbox {
    lua_State *L;
    /* The Lua thread currently executing (main state or a coroutine). The
       signal handler arms the count hook on it; it runs on the same OS
       thread as the call, so no synchronisation is needed. */
    lua_State *volatile running;
    lsb_limits limits;

    size_t memory_used;
    size_t memory_peak;
    int memory_exceeded;          /* poison: an allocation was refused */
    int fault;                    /* sticky: LSB_ERR_MEMORY/CPU/WALL once tripped */
    struct lsb_slot *slot;        /* watchdog slot of the running call, else NULL */
    int active;                   /* a call is running */

    void *owner;
    lsb_host_dispatch dispatch;
    lsb_log_sink log_sink;

    int clock_manual;
    double clock_now;
    double clock_origin;          /* monotonic seconds at creation (wall mode) */
    double clock_manual_origin;   /* the first manual time set */
    int clock_manual_seen;

    int64_t log_window;           /* the log budget's current window (clock / window length) */
    size_t log_window_bytes;      /* bytes emitted in it */
    size_t log_suppressed;        /* bytes dropped in it, not yet reported */

    int fault_line;               /* where the quota stop fired (0: unknown) */
    char fault_chunk[128];

    lsb_tape results;             /* C -> Swift: results of lsb_call */
    lsb_tape arguments;           /* C -> Swift: arguments of a host function */
    lsb_tape output;              /* Swift -> C: results of a host function */
    int output_error;
    int results_on_stack;         /* results tape points into values on the stack */
    int converting;               /* a conversion error is being raised */

    char *error_text;             /* message + traceback */
    size_t error_length;
    size_t error_message_length;
    char error_chunk[128];
    int error_line;

    const void *path[80];         /* tables on the current conversion path */

    int ref_env;
    int ref_base;
    int ref_message_handler;
    int ref_cpu_message;
    int ref_wall_message;
    int ref_memory_message;
    int ref_reused_tables;        /* argument tables kept between calls */

    /* Published results (sandbox_published.c): allocated through the
       state's allocator, freed with the state. */
    lsb_published *published;
    int32_t published_count;
    int32_t published_capacity;
    int32_t *published_buckets;   /* entry indices, -1 empty; a power of two */
    int32_t published_bucket_count;
    uint8_t *modes;               /* LSB_PUBLISH_* per host function index */
    int32_t mode_count;
    lsb_scope_name *scope_names;
    int32_t scope_name_count;
    int32_t scope_name_capacity;
    int32_t current_scope;        /* -1: none */
    /* The entry the running host function answered with
       (lsb_answer_published), or -1; reset before every dispatch. */
    int32_t answer_entry;
    lsb_published_field_name *published_keys;
    int32_t published_key_count;
    int32_t published_key_capacity;
    uint64_t generation;          /* bumped by every (re)creation of the state */
};

/* Script output (sandbox_log.c). A line holds at most LSB_LOG_LINE_LIMIT
   bytes of escaped text plus the truncation marker; buffers are
   LSB_LOG_LINE_BUFFER bytes (room for one escape past the limit and the marker). */
#define LSB_LOG_LINE_LIMIT 1024
#define LSB_LOG_LINE_BUFFER (LSB_LOG_LINE_LIMIT + 32)
/* Appends `text` escaped to out[written...], stopping at the limit (then
   *truncated = 1); returns the new length. */
size_t lsb_escape_append(char *out, size_t written, const char *text, size_t length, int *truncated);
/* Adds the truncation marker when needed; returns the final length. */
size_t lsb_finish_line(char *out, size_t written, int truncated);
/* Charges an escaped line to the window budget and sends it to the sink. */
void lsb_emit_log(lsb_sandbox *sandbox, int level, const char *line, size_t length);
/* Moves the budget to the clock's current window (reporting the last one). */
void lsb_log_advance(lsb_sandbox *sandbox);

/* Records where the running script is (the innermost Lua function with a
   line) as the quota stop's location, unless one is recorded already.
   Allocates nothing. */
void lsb_note_fault_location(lsb_sandbox *sandbox, lua_State *L);

/* Keys whose addresses mark our own tables (light userdata keys). */
extern const char lsb_proxy_marker;
extern const char lsb_metatable_marker;

/* Runs function(job) in protected mode between calls (no quota clock: the
   host's own bounded work). LSB_OK, LSB_ERR_RUNTIME, LSB_ERR_MEMORY (the
   sandbox is then faulted), or the fault/busy status that refused it. */
int32_t lsb_run_protected(lsb_sandbox *sandbox, lua_CFunction function, void *job);

/* Environment construction (sandbox_environment.c), run in protected mode. */
int lsb_build_environment(lua_State *L);

/* Builtins (sandbox_builtins.c). */
int lsb_pcall(lua_State *L);
int lsb_xpcall(lua_State *L);
int lsb_setmetatable(lua_State *L);
int lsb_rawset(lua_State *L);
int lsb_print(lua_State *L);
int lsb_warn(lua_State *L);
int lsb_load(lua_State *L);
int lsb_collectgarbage(lua_State *L);
int lsb_co_resume(lua_State *L);
int lsb_co_wrap(lua_State *L);
int lsb_os_time(lua_State *L);
int lsb_os_clock(lua_State *L);
int lsb_os_date(lua_State *L);
int lsb_os_difftime(lua_State *L);
int lsb_math_randomseed(lua_State *L);

/* Chunk reading shared by the host loader and the script's load(): feeds the
   parser in pieces and polls the quota between pieces. */
typedef struct {
    const char *bytes;
    size_t remaining;
} lsb_chunk_reader;
const char *lsb_read_chunk(lua_State *L, void *data, size_t *size);
/* Points the main chunk's _ENV upvalue at the sandbox environment. */
void lsb_bind_environment(lua_State *L, int function_index);

/* ---- watchdog (sandbox_watchdog.c) -------------------------------------- */

enum { PHASE_IDLE = 0, PHASE_RUNNING = 1, PHASE_TRIPPED = 2 };

/* One per OS thread that runs sandbox calls; lives until the thread exits.
   The watchdog reads only slots, never sandboxes. */
struct lsb_slot {
    _Atomic uint64_t state;          /* generation << 2 | phase */
    _Atomic int64_t cpu_limit_ns;
    _Atomic int64_t wall_limit_ns;
    _Atomic int trip_kind;           /* LSB_ERR_CPU or LSB_ERR_WALL */
    _Atomic uint64_t armed_generation;
    _Atomic uint64_t generation;     /* written by the owning thread only */
    lsb_sandbox *volatile sandbox;   /* owning thread and its signal handler only */
    pthread_t thread;
    clockid_t cpu_clock;
    /* watchdog-private */
    uint64_t seen_generation;
    int64_t seen_wall_ns;
    int64_t seen_cpu_ns;
    int64_t signalled_at_ns;
    struct lsb_slot *next;
};

extern __thread lsb_slot *lsb_thread_slot __attribute__((tls_model("initial-exec")));
lsb_slot *lsb_create_thread_slot(void);
/* LSB_ERR_CPU / LSB_ERR_WALL once the watchdog tripped the running call,
   else 0 (inline: every host call checks it). */
static inline int lsb_call_tripped(const lsb_sandbox *sandbox) {
    lsb_slot *slot = sandbox->slot;
    if (slot == NULL) return 0;
    uint64_t state = atomic_load_explicit(&slot->state, memory_order_relaxed);
    return (state & 3) == PHASE_TRIPPED ? atomic_load_explicit(&slot->trip_kind, memory_order_relaxed) : 0;
}

/* Opens the watchdog slot for a call (inline: it is on every call's path).
   Returns LSB_OK, or LSB_ERR_BUSY if this thread is already in a call. */
static inline int lsb_begin_call(lsb_sandbox *sandbox) {
    lsb_slot *slot = lsb_thread_slot;
    if (slot == NULL && (slot = lsb_create_thread_slot()) == NULL) return LSB_ERR_MEMORY;
    if (slot->sandbox != NULL) return LSB_ERR_BUSY;
    uint64_t generation = atomic_load_explicit(&slot->generation, memory_order_relaxed) + 1;
    atomic_store_explicit(&slot->generation, generation, memory_order_relaxed);
    if (atomic_load_explicit(&slot->cpu_limit_ns, memory_order_relaxed) != sandbox->limits.cpu_limit_ns)
        atomic_store_explicit(&slot->cpu_limit_ns, sandbox->limits.cpu_limit_ns, memory_order_relaxed);
    if (atomic_load_explicit(&slot->wall_limit_ns, memory_order_relaxed) != sandbox->limits.wall_limit_ns)
        atomic_store_explicit(&slot->wall_limit_ns, sandbox->limits.wall_limit_ns, memory_order_relaxed);
    sandbox->running = sandbox->L;
    slot->sandbox = sandbox;
    sandbox->slot = slot;
    atomic_store_explicit(&slot->state, (generation << 2) | PHASE_RUNNING, memory_order_release);
    return LSB_OK;
}

/* Closes the slot; returns 0, or LSB_ERR_CPU / LSB_ERR_WALL if the watchdog
   tripped the call. No compare-and-swap: if the watchdog trips the call
   between the load and the store, the call has already finished, the trip is
   lost, and the late signal finds the slot idle and does nothing. */
static inline int lsb_end_call(lsb_sandbox *sandbox) {
    lsb_slot *slot = sandbox->slot;
    uint64_t generation = atomic_load_explicit(&slot->generation, memory_order_relaxed);
    uint64_t state = atomic_load_explicit(&slot->state, memory_order_acquire);
    int tripped = (state & 3) == PHASE_TRIPPED ? atomic_load(&slot->trip_kind) : 0;
    atomic_store_explicit(&slot->state, generation << 2, memory_order_release);
    slot->sandbox = NULL;
    sandbox->slot = NULL;
    return tripped;
}
void lsb_watchdog_retain(void);
void lsb_watchdog_release(void);
void lsb_count_hook(lua_State *L, lua_Debug *ar);

/* Published results (sandbox_published.c). Pushes the published answer to
   a call of host function `function` (publish mode `mode`) with the
   arguments on the stack and returns how many values it pushed, or -1 when
   the call must take the ordinary path. Never raises. */
int lsb_push_published(lua_State *L, lsb_sandbox *sandbox, int32_t function, int mode);
/* Pushes the entry the host function just answered with
   (lsb_answer_published) and clears it; -1 (nothing pushed) if none. */
int lsb_push_answer(lua_State *L, lsb_sandbox *sandbox);
/* Frees the published tables; before the state closes. */
void lsb_published_free(lsb_sandbox *sandbox);

/* Tapes (sandbox_tape.c). */
void lsb_tape_reset(lsb_tape *tape);
void lsb_tape_free(lsb_tape *tape);
/* Appends stack values [first, first+count) to tape as top-level values.
   Raises a Lua error naming what could not be converted. */
void lsb_tape_from_stack(lua_State *L, lsb_tape *tape, int first, int count,
                         int reject_non_finite);
/* Sets the fields of a record (the tape entry `record`, whose values follow
   at *index) into the table at the top of the stack. */
void lsb_fill_record(lua_State *L, const lsb_value *record, const lsb_value *values, int32_t count,
                     int32_t *index, const char *arena, int depth);
/* Pushes the pre-order tape value at *index (with its subtree) and advances *index. */
void lsb_push_tape_value(lua_State *L, const lsb_value *values, int32_t count,
                         int32_t *index, const char *arena, int depth);

#endif
