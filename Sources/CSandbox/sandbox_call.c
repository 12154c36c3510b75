/*
 * Host-initiated work on a sandbox: loading chunks, resolving and calling
 * functions, reading results and errors, and the trampoline through which
 * scripts call host (Swift) functions.
 *
 * Every touch of a script-controlled value happens inside lua_pcall. The only
 * Lua API used outside one is non-raising: settop, rawgeti on the registry,
 * pushing numbers/booleans, type tests, and reading numbers and strings.
 */
#include "sandbox_internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

int lsb_message_handler(lua_State *L);

/* ---- errors -------------------------------------------------------------- */

static void clear_error(lsb_sandbox *sandbox) {
    sandbox->error_length = 0;
    sandbox->error_message_length = 0;
    sandbox->error_line = -1;
    sandbox->error_chunk[0] = '\0';
}

static void store_error_text(lsb_sandbox *sandbox, const char *text, size_t length) {
    if (length > 16384) length = 16384;
    char *copy = realloc(sandbox->error_text, length + 1);
    if (copy == NULL) { sandbox->error_length = 0; return; }
    memcpy(copy, text, length);
    copy[length] = '\0';
    sandbox->error_text = copy;
    sandbox->error_length = length;
    if (sandbox->error_message_length > length) sandbox->error_message_length = length;
}

/* Records the error value at the top of the stack (a string after our
   message handler; Lua's own fixed strings after ERRMEM/ERRERR). */
static void record_error(lsb_sandbox *sandbox) {
    lua_State *L = sandbox->L;
    size_t length = 0;
    const char *text = "(error object is not a string)";
    if (lua_type(L, -1) == LUA_TSTRING) text = lua_tolstring(L, -1, &length);
    else length = strlen(text);
    if (sandbox->error_message_length == 0 || sandbox->error_message_length == (size_t)-1)
        sandbox->error_message_length = length;
    store_error_text(sandbox, text, length);
}

static void record_fault_text(lsb_sandbox *sandbox, int fault) {
    const char *text = fault == LSB_ERR_CPU ? "cpu quota exceeded"
                     : fault == LSB_ERR_WALL ? "wall-clock deadline exceeded"
                     : "memory quota exceeded";
    sandbox->error_message_length = strlen(text);
    store_error_text(sandbox, text, strlen(text));
}

/* Decides the outcome of a protected call once the watchdog slot is closed.
   A quota stop wins over whatever status the call itself returned. */
static int32_t settle(lsb_sandbox *sandbox, int status, int tripped) {
    if (tripped != 0) {
        sandbox->fault = tripped;
    } else if (sandbox->memory_exceeded || status == LUA_ERRMEM) {
        sandbox->fault = LSB_ERR_MEMORY;
    }
    if (sandbox->fault != 0) {
        record_fault_text(sandbox, sandbox->fault);
        lua_settop(sandbox->L, 0);
        return sandbox->fault;
    }
    if (status == LUA_OK) return LSB_OK;
    record_error(sandbox);
    lua_settop(sandbox->L, 0);
    return sandbox->converting ? LSB_ERR_CONVERT : LSB_ERR_RUNTIME;
}

/* Starts a call: refuses a faulted or busy sandbox and opens the watchdog slot. */
static int32_t begin(lsb_sandbox *sandbox) {
    if (sandbox->fault != 0) return sandbox->fault;
    if (sandbox->L == NULL) return LSB_ERR_MEMORY;
    if (sandbox->active) return LSB_ERR_BUSY;
    int status = lsb_begin_call(sandbox);
    if (status != LSB_OK) return status;
    sandbox->active = 1;
    sandbox->converting = 0;
    clear_error(sandbox);
    if (sandbox->results.count != 0 || sandbox->results.byte_count != 0) lsb_tape_reset(&sandbox->results);
    /* The stack is empty here: every call leaves it empty (results are
       popped at once, or by lsb_finish_call). */
    return LSB_OK;
}

static int end(lsb_sandbox *sandbox) {
    sandbox->active = 0;
    return lsb_end_call(sandbox);
}

/* ---- loading ------------------------------------------------------------- */

typedef struct {
    const char *bytes;
    size_t length;
    const char *chunk_name;
    const char *mode;
    void **dump_out;
    size_t *dump_length;
    size_t dump_capacity;
    int syntax_error;
} load_job;

static int dump_writer(lua_State *L, const void *bytes, size_t size, void *data) {
    (void)L;
    load_job *job = data;
    if (*job->dump_length + size > job->dump_capacity) {
        size_t capacity = job->dump_capacity == 0 ? 4096 : job->dump_capacity;
        while (capacity < *job->dump_length + size) capacity *= 2;
        void *grown = realloc(*job->dump_out, capacity);
        if (grown == NULL) return 1;
        *job->dump_out = grown;
        job->dump_capacity = capacity;
    }
    memcpy((char *)*job->dump_out + *job->dump_length, bytes, size);
    *job->dump_length += size;
    return 0;
}

/* Runs inside lua_pcall: compile, optionally dump, then run the main chunk. */
static int protected_load(lua_State *L) {
    load_job *job = lua_touserdata(L, 1);
    lua_settop(L, 0);
    lsb_chunk_reader reader = {job->bytes, job->length};
    char name[160];
    snprintf(name, sizeof name, "=%s", job->chunk_name);
    int status = lua_load(L, lsb_read_chunk, &reader, name, job->mode);
    if (status != LUA_OK) {
        /* Any failure while compiling (including the parser's "C stack
           overflow" on deep nesting) is the chunk's syntax; quota stops and
           memory errors are told apart later by the fault state. */
        job->syntax_error = status != LUA_ERRMEM;
        return lua_error(L);
    }
    lsb_bind_environment(L, 1);
    if (job->dump_out != NULL) {
        *job->dump_length = 0;
        if (lua_dump(L, dump_writer, job, 0) != 0) {
            free(*job->dump_out);
            *job->dump_out = NULL;
            *job->dump_length = 0;
        }
    }
    lua_call(L, 0, 0);
    return 0;
}

static int32_t run_load(lsb_sandbox *sandbox, load_job *job) {
    int32_t started = begin(sandbox);
    if (started != LSB_OK) return started;
    lua_State *L = sandbox->L;
    lua_pushcfunction(L, lsb_message_handler); /* a light C function: no registry lookup */
    lua_pushcfunction(L, protected_load);
    lua_pushlightuserdata(L, job);
    int status = lua_pcall(L, 1, 0, 1);
    int tripped = end(sandbox);
    int32_t result = settle(sandbox, status, tripped);
    lua_settop(L, 0);
    if (result == LSB_ERR_RUNTIME && job->syntax_error) {
        /* The message handler added a traceback of the loader; a syntax
           error is better reported as the parser's message alone. */
        sandbox->error_length = sandbox->error_message_length;
        result = LSB_ERR_SYNTAX;
    }
    return result;
}

int32_t lsb_load_source(lsb_sandbox *sandbox, const char *source, size_t length,
                        const char *chunk_name, void **dump_out, size_t *dump_length) {
    if (length > sandbox->limits.max_source_bytes) return LSB_ERR_TOO_LARGE;
    if (length > 0 && source[0] == 0x1b) return LSB_ERR_BINARY;
    if (dump_out != NULL) { *dump_out = NULL; *dump_length = 0; }
    load_job job = {source, length, chunk_name, "t", dump_out, dump_length, 0, 0};
    int32_t result = run_load(sandbox, &job);
    if (result == LSB_ERR_SYNTAX && dump_out != NULL && *dump_out != NULL) {
        free(*dump_out);
        *dump_out = NULL;
        *dump_length = 0;
    }
    return result;
}

int32_t lsb_load_compiled(lsb_sandbox *sandbox, const void *compiled, size_t length,
                          const char *chunk_name) {
    load_job job = {compiled, length, chunk_name, "b", NULL, NULL, 0, 0};
    return run_load(sandbox, &job);
}

void lsb_free_dump(void *dump) { free(dump); }

/* ---- resolving ----------------------------------------------------------- */

typedef struct {
    const char *name;
    int32_t reference;
} resolve_job;

static int protected_resolve_raw(lua_State *L) {
    resolve_job *job = lua_touserdata(L, 1);
    lsb_sandbox *sandbox = lsb_from_state(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, sandbox->ref_env);
    lua_pushstring(L, job->name);
    if (lua_rawget(L, -2) == LUA_TFUNCTION) {
        job->reference = luaL_ref(L, LUA_REGISTRYINDEX);
    } else {
        job->reference = LUA_NOREF;
    }
    return 0;
}

int32_t lsb_resolve(lsb_sandbox *sandbox, const char *name, int32_t *reference) {
    resolve_job job = {name, LUA_NOREF};
    int32_t status = lsb_run_protected(sandbox, protected_resolve_raw, &job);
    if (status == LSB_ERR_RUNTIME || (status == LSB_OK && job.reference == LUA_NOREF)) return LSB_ERR_NOT_FUNCTION;
    if (status == LSB_OK) *reference = job.reference;
    return status;
}

/* ---- calling ------------------------------------------------------------- */

typedef struct {
    int32_t reference;
    const lsb_value *args;
    int32_t value_count;
    int32_t argc;
    const uint8_t *arena;
    int reuse_tables;
} call_job;

/* Pushes the map at *index into the table cached for argument `position`
   (created on first use) instead of a new table: event callbacks then cost
   no table allocation and no garbage per call. */
static void push_reused_map(lua_State *L, const call_job *job, int32_t *index, int position) {
    lsb_sandbox *sandbox = lsb_from_state(L);
    if (sandbox->ref_reused_tables == LUA_NOREF) {
        lua_newtable(L);
        sandbox->ref_reused_tables = luaL_ref(L, LUA_REGISTRYINDEX);
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, sandbox->ref_reused_tables);
    if (lua_rawgeti(L, -1, position) != LUA_TTABLE) {
        lua_pop(L, 1);
        lua_createtable(L, 0, job->args[*index].count);
        lua_pushvalue(L, -1);
        lua_rawseti(L, -3, position);
    }
    lua_remove(L, -2);
    const lsb_value *table = &job->args[(*index)++];
    if (table->kind == LSB_RECORD) {
        lsb_fill_record(L, table, job->args, job->value_count, index, (const char *)job->arena, 0);
        return;
    }
    /* A map may carry different keys from call to call: clear it first so
       no field from an earlier event survives. (Records always write every
       key, so they need no clearing.) */
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_pushnil(L);
        lua_rawset(L, -4);
    }
    for (int32_t i = 0; i < table->count; i++) {
        lsb_push_tape_value(L, job->args, job->value_count, index, (const char *)job->arena, 1);
        lsb_push_tape_value(L, job->args, job->value_count, index, (const char *)job->arena, 1);
        lua_rawset(L, -3);
    }
}

static int protected_invoke(lua_State *L) {
    call_job *job = lua_touserdata(L, 1);
    lua_settop(L, 0);
    lua_rawgeti(L, LUA_REGISTRYINDEX, job->reference);
    luaL_checkstack(L, job->argc + 4, "too many arguments");
    int32_t index = 0;
    for (int32_t i = 0; i < job->argc; i++) {
        if (job->reuse_tables && index < job->value_count &&
            (job->args[index].kind == LSB_MAP || job->args[index].kind == LSB_RECORD))
            push_reused_map(L, job, &index, i + 1);
        else
            lsb_push_tape_value(L, job->args, job->value_count, &index, (const char *)job->arena, 0);
    }
    lua_call(L, job->argc, LUA_MULTRET);
    return lua_gettop(L);
}

static int protected_convert(lua_State *L) {
    lsb_sandbox *sandbox = lsb_from_state(L);
    sandbox->converting = 1;
    lsb_tape_reset(&sandbox->results);
    lsb_tape_from_stack(L, &sandbox->results, 1, lua_gettop(L), 0);
    sandbox->converting = 0;
    return lua_gettop(L);
}

/* Arguments pushable without any allocation: numbers, booleans, nil, and
   registry references (lua_rawgeti). */
static int only_scalars(const lsb_value *args, int32_t argc) {
    for (int32_t i = 0; i < argc; i++)
        if (args[i].kind > LSB_NUMBER && args[i].kind != LSB_REFERENCE) return 0;
    return 1;
}

static void push_scalar(lua_State *L, const lsb_value *value) {
    switch (value->kind) {
    case LSB_BOOLEAN: lua_pushboolean(L, (int)value->integer); break;
    case LSB_INTEGER: lua_pushinteger(L, (lua_Integer)value->integer); break;
    case LSB_NUMBER: lua_pushnumber(L, value->number); break;
    case LSB_REFERENCE: lua_rawgeti(L, LUA_REGISTRYINDEX, (lua_Integer)value->integer); break;
    default: lua_pushnil(L); break;
    }
}

/* Reads scalar results without a protected call (all of these accessors are
   non-raising); returns 0 if any result needs the protected converter. */
static int read_scalar_results(lsb_sandbox *sandbox, int first, int count) {
    lua_State *L = sandbox->L;
    for (int i = 0; i < count; i++) {
        int type = lua_type(L, first + i);
        if (type != LUA_TNIL && type != LUA_TBOOLEAN && type != LUA_TNUMBER) return 0;
    }
    lsb_tape *tape = &sandbox->results;
    for (int i = 0; i < count; i++) {
        if (tape->count == tape->capacity) {
            int32_t capacity = tape->capacity == 0 ? 16 : tape->capacity * 2;
            lsb_value *values = realloc(tape->values, (size_t)capacity * sizeof *values);
            if (values == NULL) return 0;
            tape->values = values;
            tape->capacity = capacity;
        }
        lsb_value *value = &tape->values[tape->count++];
        memset(value, 0, sizeof *value);
        int index = first + i;
        switch (lua_type(L, index)) {
        case LUA_TBOOLEAN: value->kind = LSB_BOOLEAN; value->integer = lua_toboolean(L, index); break;
        case LUA_TNUMBER:
            if (lua_isinteger(L, index)) { value->kind = LSB_INTEGER; value->integer = lua_tointeger(L, index); }
            else { value->kind = LSB_NUMBER; value->number = lua_tonumber(L, index); }
            break;
        default: value->kind = LSB_NIL; break;
        }
        value->end = tape->count;
    }
    return 1;
}

int32_t lsb_call(lsb_sandbox *sandbox, int32_t reference, const lsb_value *args,
                 int32_t value_count, int32_t argc, const uint8_t *arena, int flags) {
    int reuse_tables = (flags & LSB_CALL_REUSE_TABLES) != 0;
    int32_t started = begin(sandbox);
    if (started != LSB_OK) return started;
    lua_State *L = sandbox->L;
    int status;
    if (argc < 16 && value_count == argc && only_scalars(args, argc)) {
        /* Fast path: nothing here can raise, so the callback itself is the
           protected call. */
        lua_pushcfunction(L, lsb_message_handler); /* a light C function: no registry lookup */
        lua_rawgeti(L, LUA_REGISTRYINDEX, reference);
        for (int32_t i = 0; i < argc; i++) push_scalar(L, &args[i]);
        status = lua_pcall(L, argc, (flags & LSB_CALL_DISCARD_RESULTS) ? 0 : LUA_MULTRET, 1);
    } else {
        call_job job = {reference, args, value_count, argc, arena, reuse_tables};
        lua_pushcfunction(L, lsb_message_handler); /* a light C function: no registry lookup */
        lua_pushcfunction(L, protected_invoke);
        lua_pushlightuserdata(L, &job);
        status = lua_pcall(L, 1, LUA_MULTRET, 1);
    }
    sandbox->results_on_stack = 0;
    if (status == LUA_OK && (flags & LSB_CALL_DISCARD_RESULTS)) {
        lua_settop(L, 0);
    } else if (status == LUA_OK) {
        int count = lua_gettop(L) - 1;
        if (read_scalar_results(sandbox, 2, count)) {
            lua_settop(L, 0); /* the tape holds copies: nothing to keep */
        } else {
            lsb_tape_reset(&sandbox->results);
            lua_pushcfunction(L, protected_convert);
            lua_insert(L, 2);
            status = lua_pcall(L, count, LUA_MULTRET, 1);
            sandbox->results_on_stack = 1; /* the tape points into these strings */
        }
    }
    int tripped = end(sandbox);
    int32_t result = settle(sandbox, status, tripped);
    if (result != LSB_OK) lsb_tape_reset(&sandbox->results);
    return result;
}

const lsb_value *lsb_results(const lsb_sandbox *sandbox, int32_t *count) {
    *count = sandbox->results.count;
    return sandbox->results.values;
}

void lsb_finish_call(lsb_sandbox *sandbox) {
    if (sandbox->results_on_stack) lua_settop(sandbox->L, 0);
    sandbox->results_on_stack = 0;
    lsb_tape_reset(&sandbox->results);
}

const char *lsb_error_message(const lsb_sandbox *sandbox, size_t *length) {
    *length = sandbox->error_message_length < sandbox->error_length
        ? sandbox->error_message_length : sandbox->error_length;
    return sandbox->error_text != NULL ? sandbox->error_text : "";
}

const char *lsb_error_traceback(const lsb_sandbox *sandbox, size_t *length) {
    size_t start = sandbox->error_message_length < sandbox->error_length
        ? sandbox->error_message_length : sandbox->error_length;
    *length = sandbox->error_length - start;
    return sandbox->error_text != NULL ? sandbox->error_text + start : "";
}

const char *lsb_error_chunk(const lsb_sandbox *sandbox) { return sandbox->error_chunk; }
int32_t lsb_error_line(const lsb_sandbox *sandbox) { return sandbox->error_line; }

/* ---- host functions ------------------------------------------------------ */

static int convert_argument(lua_State *L) {
    lsb_tape_from_stack(L, &lsb_from_state(L)->arguments, 1, 1, 1);
    return 0;
}

int lsb_host_trampoline(lua_State *L) {
    lsb_sandbox *sandbox = lsb_from_state(L);
    if (sandbox->memory_exceeded || sandbox->fault != 0 || lsb_call_tripped(sandbox) != 0) return lsb_raise_fault(L);
    if (!sandbox->active)
        return luaL_error(L, "host function '%s' called outside an active callback",
                          lua_tostring(L, lua_upvalueindex(2)));
    int32_t function = (int32_t)lua_tointeger(L, lua_upvalueindex(1));
    if (function < sandbox->mode_count && sandbox->modes[function] != LSB_PUBLISH_NONE) {
        int pushed = lsb_push_published(L, sandbox, function, sandbox->modes[function]);
        if (pushed >= 0) return pushed;
    }
    const char *name = lua_tostring(L, lua_upvalueindex(2));
    int first = 1;
    if (lua_gettop(L) >= 1 && lua_rawequal(L, 1, lua_upvalueindex(3))) first = 2; /* module:function() */
    int count = lua_gettop(L) - first + 1;
    if (count > 64) return luaL_error(L, "bad argument #65 to '%s' (too many arguments)", name);
    lsb_tape *tape = &sandbox->arguments;
    lsb_tape_reset(tape);
    for (int i = 0; i < count; i++) {
        int type = lua_type(L, first + i);
        if (type != LUA_TTABLE) {
            /* Scalars convert directly (the hot path: no protected call);
               the only errors are the ones checked here, named at once. */
            if (type == LUA_TNUMBER && !lua_isinteger(L, first + i) && !isfinite(lua_tonumber(L, first + i)))
                return luaL_error(L, "bad argument #%d to '%s' (number must be finite)", i + 1, name);
            if (type != LUA_TNIL && type != LUA_TBOOLEAN && type != LUA_TNUMBER && type != LUA_TSTRING)
                return luaL_error(L, "bad argument #%d to '%s' (cannot convert a %s value)", i + 1, name,
                                  luaL_typename(L, first + i));
            lsb_tape_from_stack(L, tape, first + i, 1, 1);
            continue;
        }
        /* Tables: one protected conversion, so an error names the argument. */
        lua_pushcfunction(L, convert_argument);
        lua_pushvalue(L, first + i);
        int status = lua_pcall(L, 1, 0, 0);
        if (status == LUA_ERRMEM) lsb_mark_memory_exceeded(L);
        if (lsb_is_poisoned(L)) return lsb_raise_fault(L);
        if (status != LUA_OK)
            return luaL_error(L, "bad argument #%d to '%s' (%s)", i + 1, name, lua_tostring(L, -1));
        if (tape->count > sandbox->limits.max_convert_values)
            return luaL_error(L, "bad argument #%d to '%s' (more than %d values in all arguments)", i + 1, name,
                              (int)sandbox->limits.max_convert_values);
    }
    lsb_tape_reset(&sandbox->output);
    sandbox->output_error = 0;
    sandbox->answer_entry = -1;
    int32_t result_count = sandbox->dispatch(sandbox->owner, function, tape->values, tape->count, (int32_t)count, sandbox);
    if (result_count < 0 || sandbox->output_error) {
        lua_pushlstring(L, sandbox->output.bytes != NULL ? sandbox->output.bytes : "host function failed",
                        sandbox->output.bytes != NULL ? sandbox->output.byte_count : 20);
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
        return lua_error(L);
    }
    if (result_count == 0 && sandbox->answer_entry >= 0) {
        /* The body answered with a published entry it just wrote: pushed
           from C memory as the fast path would, with no results tape. */
        int pushed = lsb_push_answer(L, sandbox);
        if (pushed >= 0) return pushed;
    }
    int32_t index = 0;
    luaL_checkstack(L, result_count + 4, "too many results");
    for (int32_t i = 0; i < result_count; i++)
        lsb_push_tape_value(L, sandbox->output.values, sandbox->output.count, &index, sandbox->output.bytes, 0);
    return result_count;
}

/* ---- writing host-function results --------------------------------------- */

static lsb_value *output_append(lsb_sandbox *sandbox, int32_t kind) {
    lsb_tape *tape = &sandbox->output;
    if (tape->count == tape->capacity) {
        int32_t capacity = tape->capacity == 0 ? 16 : tape->capacity * 2;
        lsb_value *values = realloc(tape->values, (size_t)capacity * sizeof *values);
        if (values == NULL) { sandbox->output_error = 1; return NULL; }
        tape->values = values;
        tape->capacity = capacity;
    }
    lsb_value *value = &tape->values[tape->count++];
    memset(value, 0, sizeof *value);
    value->kind = kind;
    return value;
}

/* Copies bytes into the output arena; returns the offset or -1. */
static int64_t output_bytes(lsb_sandbox *sandbox, const char *bytes, size_t length) {
    lsb_tape *tape = &sandbox->output;
    if (tape->byte_count + length > tape->byte_capacity) {
        size_t capacity = tape->byte_capacity == 0 ? 256 : tape->byte_capacity;
        while (capacity < tape->byte_count + length) capacity *= 2;
        char *grown = realloc(tape->bytes, capacity);
        if (grown == NULL) { sandbox->output_error = 1; return -1; }
        tape->bytes = grown;
        tape->byte_capacity = capacity;
    }
    memcpy(tape->bytes + tape->byte_count, bytes, length);
    int64_t offset = (int64_t)tape->byte_count;
    tape->byte_count += length;
    return offset;
}

void lsb_out_nil(lsb_sandbox *sandbox) { output_append(sandbox, LSB_NIL); }

void lsb_out_boolean(lsb_sandbox *sandbox, int value) {
    lsb_value *slot = output_append(sandbox, LSB_BOOLEAN);
    if (slot != NULL) slot->integer = value != 0;
}

void lsb_out_integer(lsb_sandbox *sandbox, int64_t value) {
    lsb_value *slot = output_append(sandbox, LSB_INTEGER);
    if (slot != NULL) slot->integer = value;
}

void lsb_out_number(lsb_sandbox *sandbox, double value) {
    lsb_value *slot = output_append(sandbox, LSB_NUMBER);
    if (slot != NULL) slot->number = value;
}

void lsb_out_string(lsb_sandbox *sandbox, const char *bytes, size_t length) {
    int64_t offset = output_bytes(sandbox, bytes, length);
    lsb_value *slot = output_append(sandbox, LSB_STRING);
    if (slot != NULL && offset >= 0) { slot->integer = offset; slot->length = length; }
}

void lsb_out_array(lsb_sandbox *sandbox, int32_t count) {
    lsb_value *slot = output_append(sandbox, LSB_ARRAY);
    if (slot != NULL) slot->count = count;
}

void lsb_out_map(lsb_sandbox *sandbox, int32_t count) {
    lsb_value *slot = output_append(sandbox, LSB_MAP);
    if (slot != NULL) slot->count = count;
}

void lsb_out_error(lsb_sandbox *sandbox, const char *message, size_t length) {
    lsb_tape_reset(&sandbox->output);
    output_bytes(sandbox, message, length);
    sandbox->output_error = 1;
}

/* ---- references and record layouts --------------------------------------- */

typedef struct {
    const char *name;
    const char *const *keys;
    int32_t count;
    int32_t reference;
} pin_job;

static int protected_reference_global(lua_State *L) {
    pin_job *job = lua_touserdata(L, 1);
    lsb_sandbox *sandbox = lsb_from_state(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, sandbox->ref_env);
    lua_pushstring(L, job->name);
    if (lua_rawget(L, -2) == LUA_TNIL) {
        lua_pop(L, 1);
        lua_rawgeti(L, LUA_REGISTRYINDEX, sandbox->ref_base);
        lua_pushstring(L, job->name);
        lua_rawget(L, -2);
    }
    job->reference = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

static int protected_reference_string(lua_State *L) {
    pin_job *job = lua_touserdata(L, 1);
    lua_pushlstring(L, job->name, (size_t)job->count);
    job->reference = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

static int protected_record_layout(lua_State *L) {
    pin_job *job = lua_touserdata(L, 1);
    lua_createtable(L, job->count, 0);
    for (int32_t i = 0; i < job->count; i++) {
        lua_pushstring(L, job->keys[i]);
        lua_rawseti(L, -2, i + 1);
    }
    job->reference = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}


int32_t lsb_reference_global(lsb_sandbox *sandbox, const char *name, int32_t *reference) {
    pin_job job = {name, NULL, 0, LUA_NOREF};
    int32_t status = lsb_run_protected(sandbox, protected_reference_global, &job);
    *reference = job.reference;
    return status;
}

int32_t lsb_reference_string(lsb_sandbox *sandbox, const char *bytes, int32_t length, int32_t *reference) {
    pin_job job = {bytes, NULL, length, LUA_NOREF};
    int32_t status = lsb_run_protected(sandbox, protected_reference_string, &job);
    *reference = job.reference;
    return status;
}

int32_t lsb_make_record_layout(lsb_sandbox *sandbox, const char *const *keys, int32_t count,
                               int32_t *reference) {
    pin_job job = {NULL, keys, count, LUA_NOREF};
    int32_t status = lsb_run_protected(sandbox, protected_record_layout, &job);
    *reference = job.reference;
    return status;
}

void lsb_release(lsb_sandbox *sandbox, int32_t reference) {
    if (sandbox->L == NULL || sandbox->active || reference == LUA_NOREF || reference == LUA_REFNIL) return;
    luaL_unref(sandbox->L, LUA_REGISTRYINDEX, reference);
}
