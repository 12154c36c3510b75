/*
 * Creating and closing a sandbox's lua_State, its counting allocator, and the
 * fault ("poison") bookkeeping shared by every other file.
 */
#define _GNU_SOURCE
#include "sandbox_internal.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char lsb_proxy_marker = 'p';
const char lsb_metatable_marker = 'm';

/* What glibc's malloc really takes for a request: 8 bytes of header, 16-byte
   granularity, 32 bytes at least. Counting this rather than the request
   keeps "the process never grows past the sum of the quotas" honest. */
static size_t charged_size(size_t size) {
    size_t charged = (size + 8 + 15) & ~(size_t)15;
    return charged < 32 ? 32 : charged;
}

static void *counting_allocator(void *user_data, void *block, size_t old_size, size_t new_size) {
    lsb_sandbox *sandbox = user_data;
    size_t old_charge = block != NULL ? charged_size(old_size) : 0;
    if (new_size == 0) {
        free(block);
        sandbox->memory_used -= old_charge;
        return NULL;
    }
    size_t new_charge = charged_size(new_size);
    if (new_charge > old_charge &&
        sandbox->memory_used - old_charge + new_charge > sandbox->limits.memory_limit) {
        /* Refused, and the sandbox is poisoned at once: whatever Lua does next
           (an emergency collection and retry, a __close handler replacing the
           error, a catchable "stack overflow" from a refused stack growth),
           no script code gets to run on. The count hook is armed on the
           running thread, which is the thread calling us (lua_sethook is
           safe from inside the VM: it is how signal handlers stop a script). */
        sandbox->memory_exceeded = 1;
        if (sandbox->running != NULL && sandbox->active) {
            lsb_note_fault_location(sandbox, sandbox->running);
            lua_sethook(sandbox->running, lsb_count_hook, LUA_MASKCOUNT, 1);
        }
        return NULL;
    }
    void *resized = realloc(block, new_size);
    if (resized == NULL) return NULL;
    sandbox->memory_used = sandbox->memory_used - old_charge + new_charge;
    if (sandbox->memory_used > sandbox->memory_peak) sandbox->memory_peak = sandbox->memory_used;
    return resized;
}

lsb_sandbox *lsb_from_state(lua_State *L) {
    void *user_data = NULL;
    lua_getallocf(L, &user_data);
    return user_data;
}

int lsb_is_poisoned(lua_State *L) {
    lsb_sandbox *sandbox = lsb_from_state(L);
    return sandbox->memory_exceeded || sandbox->fault != 0 || lsb_call_tripped(sandbox) != 0;
}

void lsb_mark_memory_exceeded(lua_State *L) {
    lsb_from_state(L)->memory_exceeded = 1;
}

size_t lsb_memory_remaining(lua_State *L) {
    lsb_sandbox *sandbox = lsb_from_state(L);
    if (sandbox->memory_used >= sandbox->limits.memory_limit) return 0;
    return sandbox->limits.memory_limit - sandbox->memory_used;
}

void lsb_note_fault_location(lsb_sandbox *sandbox, lua_State *L) {
    if (sandbox->fault_line > 0) return;
    /* Level 0 is the running function: in the count hook, the Lua function
       the stop interrupted; in a polling builtin, the builtin (no line), so
       the walk goes on to its Lua caller. getstack/getinfo "Sl" only read
       the call chain: safe inside the allocator and at the memory limit. */
    lua_Debug frame;
    for (int level = 0; level < 64 && lua_getstack(L, level, &frame); level++) {
        if (lua_getinfo(L, "Sl", &frame) && frame.currentline > 0) {
            sandbox->fault_line = frame.currentline;
            strncpy(sandbox->fault_chunk, frame.short_src, sizeof sandbox->fault_chunk - 1);
            sandbox->fault_chunk[sizeof sandbox->fault_chunk - 1] = '\0';
            return;
        }
    }
}

const char *lsb_fault_chunk(const lsb_sandbox *sandbox) { return sandbox->fault_chunk; }
int32_t lsb_fault_line(const lsb_sandbox *sandbox) { return sandbox->fault_line; }

int lsb_raise_fault(lua_State *L) {
    lsb_sandbox *sandbox = lsb_from_state(L);
    if (sandbox->active) lsb_note_fault_location(sandbox, L);
    int kind = lsb_call_tripped(sandbox);
    if (kind == 0) kind = sandbox->fault;
    int reference = sandbox->ref_memory_message;
    if (kind == LSB_ERR_CPU) reference = sandbox->ref_cpu_message;
    else if (kind == LSB_ERR_WALL) reference = sandbox->ref_wall_message;
    else sandbox->memory_exceeded = 1;
    /* Arm the hook on the thread raising the stop as well: when the stop is
       re-raised in a resumer, the coroutine that tripped may be the only one
       the signal handler hooked, and no Lua code (a __close handler in the
       resumer) may run after a stop. */
    lua_sethook(L, lsb_count_hook, LUA_MASKCOUNT, 1);
    /* Stack space: hooks and C functions always have LUA_MINSTACK slots. */
    lua_rawgeti(L, LUA_REGISTRYINDEX, reference);
    return lua_error(L);
}

void lsb_poll(lua_State *L) {
    if (lsb_is_poisoned(L)) lsb_raise_fault(L);
}

static int make_reference(lua_State *L, const char *text) {
    lua_pushstring(L, text);
    return luaL_ref(L, LUA_REGISTRYINDEX);
}

static int initialize(lua_State *L) {
    lsb_sandbox *sandbox = lsb_from_state(L);
    sandbox->ref_cpu_message = make_reference(L, "cpu quota exceeded");
    sandbox->ref_wall_message = make_reference(L, "wall-clock deadline exceeded");
    sandbox->ref_memory_message = make_reference(L, "memory quota exceeded");
    return lsb_build_environment(L);
}

/* Creates the Lua state and its environment inside an existing context.
   Returns 0 when it does not fit the memory limit. */
static int create_state(lsb_sandbox *sandbox) {
    sandbox->memory_used = 0;
    sandbox->memory_peak = 0;
    sandbox->memory_exceeded = 0;
    sandbox->fault = 0;
    sandbox->log_window = INT64_MIN;
    sandbox->log_window_bytes = 0;
    sandbox->log_suppressed = 0;
    sandbox->fault_line = 0;
    sandbox->fault_chunk[0] = '\0';
    sandbox->results_on_stack = 0;
    sandbox->clock_manual_seen = 0;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    sandbox->clock_origin = (double)ts.tv_sec + ts.tv_nsec / 1e9;
    lua_State *L = lua_newstate(counting_allocator, sandbox);
    if (L == NULL) return 0;
    sandbox->L = L;
    sandbox->running = L;
    sandbox->ref_reused_tables = LUA_NOREF;
    sandbox->current_scope = -1;
    sandbox->answer_entry = -1;
    lua_pushcfunction(L, initialize);
    if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
        lua_close(L);
        sandbox->L = NULL;
        return 0;
    }
    lua_settop(L, 0);
    sandbox->generation++;
    return 1;
}

lsb_sandbox *lsb_open(const lsb_limits *limits, void *owner,
                      lsb_host_dispatch dispatch, lsb_log_sink log_sink) {
    lsb_sandbox *sandbox = calloc(1, sizeof *sandbox);
    if (sandbox == NULL) return NULL;
    sandbox->limits = *limits;
    sandbox->owner = owner;
    sandbox->dispatch = dispatch;
    sandbox->log_sink = log_sink;
    if (!create_state(sandbox)) {
        free(sandbox);
        return NULL;
    }
    lsb_watchdog_retain();
    return sandbox;
}

int32_t lsb_reset(lsb_sandbox *sandbox) {
    if (sandbox->active) return LSB_ERR_BUSY;
    lsb_published_free(sandbox);
    if (sandbox->L != NULL) lua_close(sandbox->L);
    sandbox->L = NULL;
    return create_state(sandbox) ? LSB_OK : LSB_ERR_MEMORY;
}

uint64_t lsb_generation(const lsb_sandbox *sandbox) { return sandbox->generation; }

void lsb_set_owner(lsb_sandbox *sandbox, void *owner) { sandbox->owner = owner; }

void lsb_close(lsb_sandbox *sandbox) {
    if (sandbox == NULL) return;
    /* No __gc metamethods exist in a sandbox and the main stack holds no
       to-be-closed variables between calls, so lua_close runs no script code
       and finishes in time proportional to the (bounded) heap. */
    lsb_published_free(sandbox);
    if (sandbox->L != NULL) lua_close(sandbox->L);
    lsb_tape_free(&sandbox->results);
    lsb_tape_free(&sandbox->arguments);
    lsb_tape_free(&sandbox->output);
    free(sandbox->error_text);
    free(sandbox);
    lsb_watchdog_release();
}

void lsb_memory(const lsb_sandbox *sandbox, size_t *current, size_t *peak) {
    *current = sandbox->memory_used;
    *peak = sandbox->memory_peak;
}

void lsb_set_clock(lsb_sandbox *sandbox, int manual, double now_seconds) {
    if (manual && !sandbox->clock_manual_seen) {
        sandbox->clock_manual_seen = 1;
        sandbox->clock_manual_origin = now_seconds;
    }
    sandbox->clock_manual = manual;
    sandbox->clock_now = now_seconds;
    /* A window that suppressed lines is reported as soon as the clock
       leaves it, not only when the next line arrives. */
    if (sandbox->log_suppressed != 0) lsb_log_advance(sandbox);
}

int32_t lsb_run_protected(lsb_sandbox *sandbox, lua_CFunction function, void *job) {
    if (sandbox->fault != 0) return sandbox->fault;
    if (sandbox->L == NULL) return LSB_ERR_MEMORY;
    if (sandbox->active) return LSB_ERR_BUSY;
    lua_State *L = sandbox->L;
    lua_settop(L, 0);
    lua_pushcfunction(L, function);
    lua_pushlightuserdata(L, job);
    int status = lua_pcall(L, 1, 0, 0);
    lua_settop(L, 0);
    if (status == LUA_ERRMEM || sandbox->memory_exceeded) {
        sandbox->fault = LSB_ERR_MEMORY;
        return LSB_ERR_MEMORY;
    }
    return status == LUA_OK ? LSB_OK : LSB_ERR_RUNTIME;
}
