/*
 * The restricted environment a script sees: an allow-list of globals, every
 * library behind a read-only proxy, reads of unknown globals raising, and
 * host modules registered the same way.
 *
 * Layout: the script's _ENV is `env`, an ordinary table for its own globals.
 * Misses fall through (__index) to `base`, which holds the libraries and host
 * modules; misses there raise "unknown global". Assigning a name that `base`
 * holds raises. Neither `base` nor any library's real table is reachable from
 * a script: every metatable involved has a locked __metatable field.
 */
#include "sandbox_internal.h"
#include <stdlib.h>
#include <string.h>

/* Library functions copied from the stock libraries as they are. */
static const char *const base_functions[] = {
    "assert", "error", "ipairs", "next", "pairs", "rawequal", "rawget", "rawlen",
    "select", "tonumber", "tostring", "type", "getmetatable", NULL};
static const char *const string_functions[] = {
    "byte", "char", "format", "len", "lower", "upper", "reverse", "sub",
    "pack", "packsize", "unpack", NULL};
static const char *const math_functions[] = {
    "abs", "ceil", "cos", "deg", "exp", "floor", "fmod", "log", "max", "min",
    "modf", "rad", "sin", "sqrt", "tan", "tointeger", "type", "ult", "asin",
    "acos", "atan", "random", "pi", "huge", "maxinteger", "mininteger", NULL};
static const char *const utf8_functions[] = {
    "char", "charpattern", "codes", "codepoint", "len", "offset", NULL};
static const char *const coroutine_functions[] = {
    "create", "isyieldable", "running", "status", "yield", NULL};

static int read_only_error(lua_State *L) {
    const char *name = lua_tostring(L, lua_upvalueindex(1));
    return luaL_error(L, "cannot modify read-only table '%s'", name);
}

/* pairs() over a proxy walks the real table without handing it out. */
static int proxy_next(lua_State *L) {
    lua_settop(L, 2);
    if (lua_next(L, lua_upvalueindex(1))) return 2;
    lua_pushnil(L);
    return 1;
}

static int proxy_pairs(lua_State *L) {
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushcclosure(L, proxy_next, 1);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

/* Gives table `proxy` a locked metatable that reads through to `real` and
   refuses writes, so scripts see the library but can never reach or change it. */
static void set_proxy_metatable(lua_State *L, int proxy, int real, const char *name) {
    lua_createtable(L, 0, 5);
    lua_pushvalue(L, real);
    lua_setfield(L, -2, "__index");
    lua_pushstring(L, name);
    lua_pushcclosure(L, read_only_error, 1);
    lua_setfield(L, -2, "__newindex");
    lua_pushvalue(L, real);
    lua_pushcclosure(L, proxy_pairs, 1);
    lua_setfield(L, -2, "__pairs");
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    lua_pushboolean(L, 1);
    lua_rawsetp(L, -2, &lsb_proxy_marker);
    lua_setmetatable(L, proxy);
}

/* Replaces the table at the top of the stack with a read-only proxy of it. */
static void make_proxy(lua_State *L, const char *name) {
    int real = lua_gettop(L);
    lua_newtable(L);
    set_proxy_metatable(L, real + 1, real, name);
    lua_replace(L, real);
}

/* Opens a stock library and leaves its table on the stack. */
static void open_stock(lua_State *L, lua_CFunction opener) {
    lua_pushcfunction(L, opener);
    lua_call(L, 0, 1);
}

static void copy_fields(lua_State *L, int from, int to, const char *const *names) {
    for (; *names != NULL; names++) {
        lua_getfield(L, from, *names);
        lua_setfield(L, to, *names);
    }
}

static void set_function(lua_State *L, int table, const char *name, lua_CFunction function) {
    lua_pushcfunction(L, function);
    lua_setfield(L, table, name);
}

static int unknown_global(lua_State *L) {
    if (lua_type(L, 2) == LUA_TSTRING)
        return luaL_error(L, "unknown global '%s' (globals must be assigned a non-nil value before they are read; use a local for optional values)", lua_tostring(L, 2));
    return luaL_error(L, "unknown global (a %s key)", luaL_typename(L, 2));
}

static int assign_global(lua_State *L) {
    lsb_sandbox *sandbox = lsb_from_state(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, sandbox->ref_base);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, -2) != LUA_TNIL && lua_type(L, 2) == LUA_TSTRING)
        return luaL_error(L, "cannot assign to read-only global '%s'", lua_tostring(L, 2));
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 0;
}

/* The message handler of every host-initiated call: records where the error
   happened and appends a traceback. Anything it does to the error object
   (__tostring) runs under the same quotas. */
static int message_handler(lua_State *L) {
    lsb_sandbox *sandbox = lsb_from_state(L);
    if (lsb_is_poisoned(L)) {
        sandbox->error_message_length = (size_t)-1;
        return lsb_raise_fault(L);
    }
    size_t length = 0;
    const char *message;
    if (lua_type(L, 1) == LUA_TSTRING) {
        message = lua_tolstring(L, 1, &length);
    } else if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
        message = lua_tolstring(L, -1, &length);
    } else {
        message = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
        length = strlen(message);
    }
    if (length > 2000) {
        lua_pushlstring(L, message, 2000);
        lua_pushliteral(L, "...");
        lua_concat(L, 2);
        message = lua_tolstring(L, -1, &length);
    }
    sandbox->error_message_length = length;
    sandbox->error_line = -1;
    sandbox->error_chunk[0] = '\0';
    lua_Debug frame;
    for (int level = 1; level < 64 && lua_getstack(L, level, &frame); level++) {
        if (lua_getinfo(L, "Sl", &frame) && frame.currentline > 0) {
            sandbox->error_line = frame.currentline;
            strncpy(sandbox->error_chunk, frame.short_src, sizeof sandbox->error_chunk - 1);
            sandbox->error_chunk[sizeof sandbox->error_chunk - 1] = '\0';
            break;
        }
    }
    luaL_traceback(L, L, message, 1);
    return 1;
}

int lsb_build_environment(lua_State *L) {
    lsb_sandbox *sandbox = lsb_from_state(L);
    lua_settop(L, 0);
    lua_newtable(L);                                   /* 1: base */
    lua_newtable(L);                                   /* 2: env */

    open_stock(L, luaopen_base);                       /* 3 */
    copy_fields(L, 3, 1, base_functions);
    lua_getfield(L, 3, "_VERSION");
    lua_setfield(L, 1, "_VERSION");
    lua_settop(L, 2);
    set_function(L, 1, "pcall", lsb_pcall);
    set_function(L, 1, "xpcall", lsb_xpcall);
    set_function(L, 1, "setmetatable", lsb_setmetatable);
    set_function(L, 1, "rawset", lsb_rawset);
    set_function(L, 1, "print", lsb_print);
    set_function(L, 1, "warn", lsb_warn);
    set_function(L, 1, "load", lsb_load);
    set_function(L, 1, "collectgarbage", lsb_collectgarbage);
    lua_pushvalue(L, 2);
    lua_setfield(L, 1, "_G");

    /* string: also locks the metatable every string shares. */
    open_stock(L, luaopen_string);                     /* 3: stock string */
    lua_newtable(L);                                   /* 4: ours */
    copy_fields(L, 3, 4, string_functions);
    set_function(L, 4, "find", lsb_str_find);
    set_function(L, 4, "match", lsb_str_match);
    set_function(L, 4, "gmatch", lsb_str_gmatch);
    set_function(L, 4, "gsub", lsb_str_gsub);
    set_function(L, 4, "rep", lsb_str_rep);
    make_proxy(L, "string");
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);                           /* 6: the string metatable */
    lua_pushvalue(L, 4);
    lua_setfield(L, 6, "__index");
    lua_pushliteral(L, "locked");
    lua_setfield(L, 6, "__metatable");
    lua_settop(L, 4);
    lua_setfield(L, 1, "string");
    lua_settop(L, 2);

    lua_newtable(L);                                   /* 3: table */
    set_function(L, 3, "concat", lsb_tab_concat);
    set_function(L, 3, "insert", lsb_tab_insert);
    set_function(L, 3, "remove", lsb_tab_remove);
    set_function(L, 3, "move", lsb_tab_move);
    set_function(L, 3, "sort", lsb_tab_sort);
    set_function(L, 3, "unpack", lsb_tab_unpack);
    set_function(L, 3, "pack", lsb_tab_pack);
    make_proxy(L, "table");
    lua_setfield(L, 1, "table");

    open_stock(L, luaopen_math);                       /* 3: stock math */
    /* Seed before anything can draw: runs are reproducible per seed. */
    lua_getfield(L, 3, "randomseed");
    lua_pushinteger(L, (lua_Integer)sandbox->limits.random_seed);
    lua_call(L, 1, 0);
    lua_newtable(L);                                   /* 4 */
    copy_fields(L, 3, 4, math_functions);
    lua_getfield(L, 3, "randomseed");
    lua_pushcclosure(L, lsb_math_randomseed, 1);
    lua_setfield(L, 4, "randomseed");
    make_proxy(L, "math");
    lua_setfield(L, 1, "math");
    lua_settop(L, 2);

    open_stock(L, luaopen_utf8);                       /* 3 */
    lua_newtable(L);
    copy_fields(L, 3, 4, utf8_functions);
    make_proxy(L, "utf8");
    lua_setfield(L, 1, "utf8");
    lua_settop(L, 2);

    open_stock(L, luaopen_coroutine);                  /* 3 */
    lua_newtable(L);
    copy_fields(L, 3, 4, coroutine_functions);
    set_function(L, 4, "resume", lsb_co_resume);
    set_function(L, 4, "wrap", lsb_co_wrap);
    make_proxy(L, "coroutine");
    lua_setfield(L, 1, "coroutine");
    lua_settop(L, 2);

    open_stock(L, luaopen_os);                         /* 3: only its date() is used */
    lua_newtable(L);                                   /* 4 */
    set_function(L, 4, "time", lsb_os_time);
    set_function(L, 4, "clock", lsb_os_clock);
    set_function(L, 4, "difftime", lsb_os_difftime);
    lua_getfield(L, 3, "date");
    lua_pushcclosure(L, lsb_os_date, 1);
    lua_setfield(L, 4, "date");
    make_proxy(L, "os");
    lua_setfield(L, 1, "os");
    lua_settop(L, 2);

    /* base: unknown names raise */
    lua_createtable(L, 0, 2);
    set_function(L, 3, "__index", unknown_global);
    lua_pushliteral(L, "locked");
    lua_setfield(L, 3, "__metatable");
    lua_setmetatable(L, 1);

    /* env: misses read base, assignments to base names raise */
    lua_createtable(L, 0, 3);
    lua_pushvalue(L, 1);
    lua_setfield(L, 3, "__index");
    set_function(L, 3, "__newindex", assign_global);
    lua_pushliteral(L, "locked");
    lua_setfield(L, 3, "__metatable");
    lua_setmetatable(L, 2);

    sandbox->ref_env = luaL_ref(L, LUA_REGISTRYINDEX);
    sandbox->ref_base = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_pushcfunction(L, message_handler);
    sandbox->ref_message_handler = luaL_ref(L, LUA_REGISTRYINDEX);

    /* The stock libraries registered themselves in the real global table;
       scripts never see it, so drop it to save memory. */
    lua_newtable(L);
    lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    return 0;
}

void lsb_bind_environment(lua_State *L, int function_index) {
    lsb_sandbox *sandbox = lsb_from_state(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, sandbox->ref_env);
    if (lua_setupvalue(L, function_index, 1) == NULL) lua_pop(L, 1);
}

/* ---- host modules -------------------------------------------------------- */

typedef struct {
    const char *name;
    const char *const *function_names;
    const int32_t *function_indices;
    int32_t count;
} module_request;

int lsb_host_trampoline(lua_State *L);

static int register_module(lua_State *L) {
    const module_request *request = lua_touserdata(L, 1);
    lsb_sandbox *sandbox = lsb_from_state(L);
    lua_settop(L, 0);
    lua_rawgeti(L, LUA_REGISTRYINDEX, sandbox->ref_base);   /* 1 */
    lua_pushstring(L, request->name);
    if (lua_rawget(L, 1) != LUA_TNIL)
        return luaL_error(L, "a global named '%s' already exists", request->name);
    lua_pop(L, 1);
    lua_newtable(L);                                        /* 2: proxy */
    lua_newtable(L);                                        /* 3: real */
    for (int32_t i = 0; i < request->count; i++) {
        lua_pushinteger(L, request->function_indices[i]);
        lua_pushfstring(L, "%s.%s", request->name, request->function_names[i]);
        lua_pushvalue(L, 2);
        lua_pushcclosure(L, lsb_host_trampoline, 3);
        lua_setfield(L, 3, request->function_names[i]);
    }
    /* The closures already hold table 2, so it becomes the proxy itself. */
    set_proxy_metatable(L, 2, 3, request->name);
    lua_pushvalue(L, 2);
    lua_setfield(L, 1, request->name);
    return 0;
}

int32_t lsb_register_module(lsb_sandbox *sandbox, const char *name,
                            const char *const *function_names,
                            const int32_t *function_indices, int32_t count) {
    module_request request = {name, function_names, function_indices, count};
    return lsb_run_protected(sandbox, register_module, &request);
}

int lsb_message_handler(lua_State *L) { return message_handler(L); }

/* ---- data fields of host modules ----------------------------------------- */

typedef struct {
    const char *module;
    const char *field;
    const lsb_value *values;
    int32_t value_count;
    const uint8_t *arena;
    int read_only;
} field_request;

/* Pushes the real (hidden) table behind module `name`, or raises. */
static void push_module_table(lua_State *L, const char *name) {
    lsb_sandbox *sandbox = lsb_from_state(L);
    lua_rawgeti(L, LUA_REGISTRYINDEX, sandbox->ref_base);
    lua_pushstring(L, name);
    if (lua_rawget(L, -2) != LUA_TTABLE || !lua_getmetatable(L, -1))
        luaL_error(L, "no host module named '%s'", name);
    lua_pushliteral(L, "__index");
    lua_rawget(L, -2);
    lua_replace(L, -4);
    lua_pop(L, 2);
}

/* Replaces every table in the value at the top (recursively) by a read-only proxy. */
static void make_read_only(lua_State *L, const char *name, int depth) {
    if (lua_type(L, -1) != LUA_TTABLE || depth > 32) return;
    luaL_checkstack(L, 4, "read-only proxy");
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        if (lua_type(L, -1) == LUA_TTABLE) {
            /* Assigning to an existing key does not disturb lua_next. */
            make_read_only(L, name, depth + 1);       /* t, key, proxy */
            lua_pushvalue(L, -2);
            lua_insert(L, -2);                        /* t, key, key, proxy */
            lua_rawset(L, -4);                        /* t, key */
        } else {
            lua_pop(L, 1);
        }
    }
    make_proxy(L, name);
}

static int set_module_field(lua_State *L) {
    const field_request *request = lua_touserdata(L, 1);
    lua_settop(L, 0);
    push_module_table(L, request->module);                     /* 1 */
    int32_t index = 0;
    lsb_push_tape_value(L, request->values, request->value_count, &index, (const char *)request->arena, 0);
    if (request->read_only) make_read_only(L, request->field, 0);
    lua_setfield(L, 1, request->field);
    return 0;
}

int32_t lsb_set_module_field(lsb_sandbox *sandbox, const char *module, const char *field,
                             const lsb_value *values, int32_t value_count, const uint8_t *arena,
                             int read_only) {
    field_request request = {module, field, values, value_count, arena, read_only};
    return lsb_run_protected(sandbox, set_module_field, &request);
}

static int read_module_field(lua_State *L) {
    const field_request *request = lua_touserdata(L, 1);
    lsb_sandbox *sandbox = lsb_from_state(L);
    lua_settop(L, 0);
    if (request->module != NULL) {
        push_module_table(L, request->module);
        lua_getfield(L, 1, request->field);
    } else {
        /* A script global: raw read, so an absent one is nil, not an error. */
        lua_rawgeti(L, LUA_REGISTRYINDEX, sandbox->ref_env);
        lua_pushstring(L, request->field);
        lua_rawget(L, 1);
    }
    lua_remove(L, 1);
    sandbox->converting = 1;
    lsb_tape_reset(&sandbox->results);
    lsb_tape_from_stack(L, &sandbox->results, 1, 1, 0);
    sandbox->converting = 0;
    return 1;
}

int32_t lsb_read_module_field(lsb_sandbox *sandbox, const char *module, const char *field) {
    if (sandbox->fault != 0) return sandbox->fault;
    if (sandbox->L == NULL) return LSB_ERR_MEMORY;
    if (sandbox->active) return LSB_ERR_BUSY;
    field_request request = {module, field, NULL, 0, NULL, 0};
    lua_State *L = sandbox->L;
    lua_settop(L, 0);
    lua_pushcfunction(L, read_module_field);
    lua_pushlightuserdata(L, &request);
    int status = lua_pcall(L, 1, 1, 0);
    if (status == LUA_OK) {
        sandbox->results_on_stack = 1;  /* the tape points into the value */
        return LSB_OK;
    }
    sandbox->converting = 0;
    lsb_tape_reset(&sandbox->results);
    if (status == LUA_ERRMEM) {
        sandbox->fault = LSB_ERR_MEMORY;
        lua_settop(L, 0);
        return LSB_ERR_MEMORY;
    }
    size_t length = 0;
    const char *message = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &length) : "conversion failed";
    if (length == 0) length = strlen(message);
    sandbox->error_message_length = length;
    char *copy = realloc(sandbox->error_text, length + 1);
    if (copy != NULL) {
        memcpy(copy, message, length);
        copy[length] = '\0';
        sandbox->error_text = copy;
        sandbox->error_length = length;
    }
    lua_settop(L, 0);
    return LSB_ERR_CONVERT;
}
