/*
 * Builtins the sandbox replaces rather than copies, each for a stated reason:
 *  - pcall, xpcall, coroutine.resume/wrap: the only places a script can catch
 *    an error. Each checks the fault state afterwards and re-raises, so a
 *    quota stop cannot be swallowed; resume/wrap also track the running
 *    coroutine so the watchdog arms the hook on the right Lua thread.
 *  - setmetatable: metamethods on an allow-list (no __gc, __mode, __concat;
 *    see docs/sandbox.md for the Lua bugs each closes), and the metatable is
 *    copied so the script cannot add a forbidden field later.
 *  - rawset: cannot write through a read-only proxy or shadow a library.
 *  - print/warn: to the host's log sink, escaped and bounded.
 *  - load: text only, size-limited, always into the sandbox environment.
 *  - collectgarbage: "count" only.
 *  - os.*: the host clock, UTC only, so backtests never see the wall clock.
 *  - math.randomseed: needs an explicit seed (no time-based seeding).
 */
#define _GNU_SOURCE
#include "sandbox_internal.h"
#include <math.h>
#include <string.h>
#include <time.h>

/* ---- protected calls ----------------------------------------------------- */

static int finish_protected_call(lua_State *L, int status, lua_KContext base) {
    if (lsb_is_poisoned(L)) return lsb_raise_fault(L);
    if (status == LUA_ERRMEM) {
        lsb_mark_memory_exceeded(L);
        return lsb_raise_fault(L);
    }
    if (status != LUA_OK && status != LUA_YIELD) {
        lua_pushboolean(L, 0);
        lua_pushvalue(L, -2);
        return 2;
    }
    return lua_gettop(L) - (int)base;
}

int lsb_pcall(lua_State *L) {
    luaL_checkany(L, 1);
    lua_pushboolean(L, 1);
    lua_insert(L, 1);
    int status = lua_pcallk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, 0, finish_protected_call);
    return finish_protected_call(L, status, 0);
}

/* Wraps the script's message handler: once the sandbox is poisoned the
   handler is not run at all. */
static int guarded_handler(lua_State *L) {
    if (lsb_is_poisoned(L)) return 1;
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

int lsb_xpcall(lua_State *L) {
    int count = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushboolean(L, 1);
    lua_pushvalue(L, 1);
    lua_rotate(L, 3, 2);                  /* f, handler, true, f, args... */
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, guarded_handler, 1);
    lua_replace(L, 2);                    /* f, guarded, true, f, args... */
    int status = lua_pcallk(L, count - 2, LUA_MULTRET, 2, 2, finish_protected_call);
    return finish_protected_call(L, status, 2);
}

/* ---- coroutines ---------------------------------------------------------- */

static int resume_into(lua_State *L, lua_State *co, int argument_count) {
    lsb_sandbox *sandbox = lsb_from_state(L);
    int status = lua_status(co);
    if (co == L) {
        lua_pushliteral(L, "cannot resume non-suspended coroutine");
        return -1;
    }
    if (status == LUA_OK) {
        lua_Debug frame;
        if (lua_getstack(co, 0, &frame)) {
            lua_pushliteral(L, "cannot resume non-suspended coroutine");
            return -1;
        }
        if (lua_gettop(co) == 0) {
            lua_pushliteral(L, "cannot resume dead coroutine");
            return -1;
        }
    } else if (status != LUA_YIELD) {
        lua_pushliteral(L, "cannot resume dead coroutine");
        return -1;
    }
    if (!lua_checkstack(co, argument_count)) {
        lua_pushliteral(L, "too many arguments to resume");
        return -1;
    }
    if (lsb_is_poisoned(L)) return lsb_raise_fault(L);
    lua_xmove(L, co, argument_count);
    lua_State *previous = sandbox->running;
    sandbox->running = co;
    if (lsb_is_poisoned(L)) {
        /* The stop arrived between the check above and the switch: switch
           back before raising, so `running` never names a dead coroutine. */
        sandbox->running = previous;
        return lsb_raise_fault(L);
    }
    int result_count = 0;
    status = lua_resume(co, L, argument_count, &result_count);
    sandbox->running = previous;
    if (lsb_is_poisoned(L)) return lsb_raise_fault(L);
    if (status == LUA_ERRMEM) {
        lsb_mark_memory_exceeded(L);
        return lsb_raise_fault(L);
    }
    if (status == LUA_OK || status == LUA_YIELD) {
        if (!lua_checkstack(L, result_count + 1)) {
            lua_pop(co, result_count);
            lua_pushliteral(L, "too many results to resume");
            return -1;
        }
        lua_xmove(co, L, result_count);
        return result_count;
    }
    lua_xmove(co, L, 1);
    return -1;
}

int lsb_co_resume(lua_State *L) {
    lua_State *co = lua_tothread(L, 1);
    luaL_argexpected(L, co != NULL, 1, "coroutine");
    int count = resume_into(L, co, lua_gettop(L) - 1);
    if (count < 0) {
        lua_pushboolean(L, 0);
        lua_insert(L, -2);
        return 2;
    }
    lua_pushboolean(L, 1);
    lua_insert(L, -(count + 1));
    return count + 1;
}

static int wrapped_call(lua_State *L) {
    lua_State *co = lua_tothread(L, lua_upvalueindex(1));
    int count = resume_into(L, co, lua_gettop(L));
    if (count < 0) return lua_error(L);
    return count;
}

int lsb_co_wrap(lua_State *L) {
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_State *co = lua_newthread(L);
    lua_pushvalue(L, 1);
    lua_xmove(L, co, 1);
    lua_pushcclosure(L, wrapped_call, 1);
    return 1;
}

/* ---- metatables ---------------------------------------------------------- */

static const char *const allowed_metamethods[] = {
    "__index", "__newindex", "__call", "__tostring", "__name", "__len", "__eq",
    "__lt", "__le", "__unm", "__add", "__sub", "__mul", "__div", "__mod",
    "__pow", "__idiv", "__band", "__bor", "__bxor", "__shl", "__shr", "__bnot",
    "__close", "__pairs", NULL};
static const char *const refused_metamethods[] = {"__gc", "__mode", "__concat", NULL};

static int listed(const char *name, const char *const *list) {
    for (; *list != NULL; list++)
        if (strcmp(name, *list) == 0) return 1;
    return 0;
}

/* 0: not ours (a library proxy or the locked string metatable);
   1: a script metatable; 2: a script metatable with its own __metatable. */
static int script_metatable_kind(lua_State *L, int index) {
    int kind = 0;
    if (lua_rawgetp(L, index, &lsb_metatable_marker) == LUA_TNUMBER) kind = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    return kind;
}

int lsb_setmetatable(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    int type = lua_type(L, 2);
    luaL_argexpected(L, type == LUA_TNIL || type == LUA_TTABLE, 2, "nil or table");
    lua_settop(L, 2);
    if (lua_getmetatable(L, 1)) {
        if (script_metatable_kind(L, 3) != 1) return luaL_error(L, "cannot change a protected metatable");
        lua_pop(L, 1);
    }
    if (type == LUA_TNIL) {
        lua_setmetatable(L, 1);
        return 1;
    }
    lua_createtable(L, 0, 4);                     /* 3: the copy the VM will use */
    int protected_by_script = 0;
    lua_pushnil(L);
    while (lua_next(L, 2)) {
        if (lua_type(L, -2) == LUA_TSTRING) {
            const char *key = lua_tostring(L, -2);
            if (listed(key, refused_metamethods))
                return luaL_error(L, "metamethod '%s' is not allowed in the sandbox", key);
            if (strcmp(key, "__metatable") == 0) {
                protected_by_script = 1;
                lua_pushvalue(L, -2);
                lua_pushvalue(L, -2);
                lua_rawset(L, 3);
            } else if (listed(key, allowed_metamethods)) {
                int value_type = lua_type(L, -1);
                int table_allowed = strcmp(key, "__index") == 0 || strcmp(key, "__newindex") == 0;
                int string_allowed = strcmp(key, "__name") == 0;
                if (!(value_type == LUA_TFUNCTION || (table_allowed && value_type == LUA_TTABLE) ||
                      (string_allowed && value_type == LUA_TSTRING)))
                    return luaL_error(L, "metamethod '%s' must be a function%s, got %s", key,
                                      table_allowed ? " or table" : "", luaL_typename(L, -1));
                lua_pushvalue(L, -2);
                lua_pushvalue(L, -2);
                lua_rawset(L, 3);
            }
        }
        lua_pop(L, 1);
        lsb_poll(L);
    }
    if (!protected_by_script) {
        /* getmetatable(t) keeps returning the table the script passed. */
        lua_pushvalue(L, 2);
        lua_setfield(L, 3, "__metatable");
    }
    lua_pushinteger(L, protected_by_script ? 2 : 1);
    lua_rawsetp(L, 3, &lsb_metatable_marker);
    lua_setmetatable(L, 1);
    lua_settop(L, 1);
    return 1;
}

int lsb_rawset(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    lua_settop(L, 3);
    if (lua_getmetatable(L, 1)) {
        int is_proxy = lua_rawgetp(L, -1, &lsb_proxy_marker) != LUA_TNIL;
        lua_pop(L, 2);
        if (is_proxy) return luaL_error(L, "cannot modify a read-only table");
    }
    lsb_sandbox *sandbox = lsb_from_state(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, sandbox->ref_env);
    int is_env = lua_rawequal(L, 1, -1);
    lua_pop(L, 1);
    if (is_env && lua_type(L, 2) == LUA_TSTRING) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, sandbox->ref_base);
        lua_pushvalue(L, 2);
        int taken = lua_rawget(L, -2) != LUA_TNIL;
        lua_pop(L, 2);
        if (taken) return luaL_error(L, "cannot assign to read-only global '%s'", lua_tostring(L, 2));
    }
    lua_rawset(L, 1);
    return 1;
}

/* ---- output -------------------------------------------------------------- */

/* Joins the arguments with tabs (the one control character left as is: it
   separates arguments) and sends the line down the shared log path
   (sandbox_log.c), which escapes nothing twice: each argument is escaped
   here as it is appended, into a stack buffer capped at the line limit. */
static int write_line(lua_State *L, int level) {
    int count = lua_gettop(L);
    char line[LSB_LOG_LINE_BUFFER];
    size_t written = 0;
    int truncated = 0;
    for (int i = 1; i <= count && !truncated; i++) {
        size_t length;
        const char *text = luaL_tolstring(L, i, &length);
        if (i > 1) {
            if (written >= LSB_LOG_LINE_LIMIT) { truncated = 1; lua_pop(L, 1); break; }
            line[written++] = '\t';
        }
        written = lsb_escape_append(line, written, text, length, &truncated);
        lua_pop(L, 1);
    }
    written = lsb_finish_line(line, written, truncated);
    lsb_emit_log(lsb_from_state(L), level, line, written);
    return 0;
}

int lsb_print(lua_State *L) { return write_line(L, LSB_LOG_PRINT); }
int lsb_warn(lua_State *L) {
    luaL_checkstring(L, 1);
    return write_line(L, LSB_LOG_WARN);
}

/* ---- load ---------------------------------------------------------------- */

const char *lsb_read_chunk(lua_State *L, void *data, size_t *size) {
    lsb_chunk_reader *reader = data;
    lsb_poll(L);
    if (reader->remaining == 0) { *size = 0; return NULL; }
    size_t piece = reader->remaining < 4096 ? reader->remaining : 4096;
    const char *bytes = reader->bytes;
    reader->bytes += piece;
    reader->remaining -= piece;
    *size = piece;
    return bytes;
}

int lsb_load(lua_State *L) {
    lsb_sandbox *sandbox = lsb_from_state(L);
    size_t length;
    const char *source = luaL_checklstring(L, 1, &length);
    const char *name = luaL_optstring(L, 2, "=(load)");
    const char *mode = luaL_optstring(L, 3, "t");
    if (strcmp(mode, "t") != 0)
        return luaL_error(L, "load: only text chunks are allowed (mode must be \"t\")");
    if (!lua_isnoneornil(L, 4))
        return luaL_error(L, "load: a custom environment is not available in the sandbox");
    if (length > sandbox->limits.max_source_bytes)
        return luaL_error(L, "load: chunk of %d bytes exceeds the limit of %d bytes",
                          (int)length, (int)sandbox->limits.max_source_bytes);
    if (length > 0 && source[0] == 0x1b) {
        lua_pushnil(L);
        lua_pushliteral(L, "load: precompiled (binary) chunks are refused");
        return 2;
    }
    lsb_chunk_reader reader = {source, length};
    int status = lua_load(L, lsb_read_chunk, &reader, name, "t");
    if (lsb_is_poisoned(L)) return lsb_raise_fault(L);
    if (status == LUA_ERRMEM) {
        lsb_mark_memory_exceeded(L);
        return lsb_raise_fault(L);
    }
    if (status != LUA_OK) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;
    }
    lsb_bind_environment(L, lua_gettop(L));
    return 1;
}

int lsb_collectgarbage(lua_State *L) {
    const char *option = luaL_optstring(L, 1, "collect");
    if (strcmp(option, "count") != 0)
        return luaL_error(L, "collectgarbage: only \"count\" is available in the sandbox");
    lua_pushnumber(L, (lua_Number)lsb_from_state(L)->memory_used / 1024.0);
    return 1;
}

/* ---- the host clock ------------------------------------------------------ */

static double clock_seconds(lua_State *L) {
    lsb_sandbox *sandbox = lsb_from_state(L);
    if (sandbox->clock_manual) return sandbox->clock_now;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int date_field(lua_State *L, const char *key, int fallback, int offset) {
    int type = lua_getfield(L, 1, key);
    lua_Integer value;
    if (type == LUA_TNIL) {
        if (fallback < 0) return luaL_error(L, "field '%s' missing in date table", key);
        value = fallback;
    } else {
        int is_integer = 0;
        value = lua_tointegerx(L, -1, &is_integer);
        if (!is_integer) return luaL_error(L, "field '%s' is not an integer", key);
        if (value < -100000000 || value > 100000000) return luaL_error(L, "field '%s' is out-of-bound", key);
        value -= offset;
    }
    lua_pop(L, 1);
    return (int)value;
}

int lsb_os_time(lua_State *L) {
    if (lua_isnoneornil(L, 1)) {
        lua_pushinteger(L, (lua_Integer)floor(clock_seconds(L)));
        return 1;
    }
    luaL_checktype(L, 1, LUA_TTABLE);
    struct tm fields;
    memset(&fields, 0, sizeof fields);
    fields.tm_year = date_field(L, "year", -1, 1900);
    fields.tm_mon = date_field(L, "month", -1, 1);
    fields.tm_mday = date_field(L, "day", -1, 0);
    fields.tm_hour = date_field(L, "hour", 12, 0);
    fields.tm_min = date_field(L, "min", 0, 0);
    fields.tm_sec = date_field(L, "sec", 0, 0);
    /* UTC, not local time: the same script gives the same answer anywhere. */
    time_t value = timegm(&fields);
    if (value == (time_t)-1 && fields.tm_year != 69)
        return luaL_error(L, "time result cannot be represented in this installation");
    lua_pushinteger(L, (lua_Integer)value);
    return 1;
}

int lsb_os_clock(lua_State *L) {
    lsb_sandbox *sandbox = lsb_from_state(L);
    double seconds;
    if (sandbox->clock_manual) {
        /* Simulated time since the first manual time this sandbox saw. */
        seconds = sandbox->clock_now - sandbox->clock_manual_origin;
    } else {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        seconds = (double)ts.tv_sec + ts.tv_nsec / 1e9 - sandbox->clock_origin;
    }
    /* Millisecond resolution: enough for strategies, too coarse for timing
       side channels. */
    lua_pushnumber(L, floor(seconds * 1000) / 1000);
    return 1;
}

int lsb_os_difftime(lua_State *L) {
    lua_Number later = luaL_checknumber(L, 1);
    lua_Number earlier = luaL_optnumber(L, 2, 0);
    lua_pushnumber(L, later - earlier);
    return 1;
}

/* Calls the stock os.date in UTC ("!" prefix) with the host clock's time. */
int lsb_os_date(lua_State *L) {
    const char *format = luaL_optstring(L, 1, "%c");
    lua_Integer when = luaL_opt(L, luaL_checkinteger, 2, (lua_Integer)floor(clock_seconds(L)));
    lua_pushvalue(L, lua_upvalueindex(1));
    if (format[0] == '!') lua_pushstring(L, format);
    else lua_pushfstring(L, "!%s", format);
    lua_pushinteger(L, when);
    lua_call(L, 2, 1);
    return 1;
}

int lsb_math_randomseed(lua_State *L) {
    if (lua_isnoneornil(L, 1))
        return luaL_error(L, "math.randomseed needs an explicit seed in the sandbox");
    int count = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, count, LUA_MULTRET);
    return lua_gettop(L);
}
