/*
 * Tapes: flat, pre-order lists of lsb_value that carry values between Lua and
 * Swift without Swift ever calling a Lua function that can raise.
 *
 * Lua -> tape runs inside a Lua call (a host-function trampoline or a
 * protected converter), so it may raise a Lua error to report what could not
 * be converted. Strings are not copied: they point into Lua strings that stay
 * referenced from the stack while Swift reads the tape.
 */
#include "sandbox_internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

void lsb_tape_reset(lsb_tape *tape) {
    tape->count = 0;
    tape->byte_count = 0;
    /* Give back an unusually large tape rather than keeping it per sandbox. */
    if (tape->capacity > 4096) {
        free(tape->values);
        tape->values = NULL;
        tape->capacity = 0;
    }
    if (tape->byte_capacity > 65536) {
        free(tape->bytes);
        tape->bytes = NULL;
        tape->byte_capacity = 0;
    }
}

void lsb_tape_free(lsb_tape *tape) {
    free(tape->values);
    free(tape->bytes);
    memset(tape, 0, sizeof *tape);
}

/* Appends an empty value; NULL when the C heap is exhausted. */
static lsb_value *tape_append(lsb_tape *tape) {
    if (tape->count == tape->capacity) {
        int32_t capacity = tape->capacity == 0 ? 16 : tape->capacity * 2;
        lsb_value *values = realloc(tape->values, (size_t)capacity * sizeof *values);
        if (values == NULL) return NULL;
        tape->values = values;
        tape->capacity = capacity;
    }
    lsb_value *value = &tape->values[tape->count++];
    memset(value, 0, sizeof *value);
    return value;
}

typedef struct {
    lsb_tape *tape;
    int reject_non_finite;
    int values;          /* values converted so far in this tree */
    int depth;
} conversion;

static void convert(lua_State *L, conversion *state, int index);

static lsb_value *append_or_raise(lua_State *L, conversion *state) {
    lsb_sandbox *sandbox = lsb_from_state(L);
    if (++state->values > sandbox->limits.max_convert_values)
        luaL_error(L, "more than %d values in one table tree", (int)sandbox->limits.max_convert_values);
    lsb_value *value = tape_append(state->tape);
    if (value == NULL) luaL_error(L, "out of memory converting values");
    return value;
}

static void convert_table(lua_State *L, conversion *state, int index, int32_t slot) {
    lsb_sandbox *sandbox = lsb_from_state(L);
    const void *identity = lua_topointer(L, index);
    for (int i = 0; i < state->depth; i++)
        if (sandbox->path[i] == identity) luaL_error(L, "cannot convert a table that contains itself (cycle)");
    if (state->depth >= sandbox->limits.max_convert_depth ||
        state->depth >= (int)(sizeof sandbox->path / sizeof sandbox->path[0]))
        luaL_error(L, "tables nested more than %d deep", (int)sandbox->limits.max_convert_depth);
    luaL_checkstack(L, 4, "converting a table");
    sandbox->path[state->depth++] = identity;

    /* Classify: a proper sequence 1..n becomes an array, string keys a map. */
    int32_t total = 0;
    int all_strings = 1;
    int all_positive_integers = 1;
    lua_Integer largest = 0;
    lua_pushnil(L);
    while (lua_next(L, index)) {
        total++;
        if (lua_type(L, -2) == LUA_TSTRING) {
            all_positive_integers = 0;
        } else {
            all_strings = 0;
            if (lua_isinteger(L, -2) && lua_tointeger(L, -2) > 0) {
                if (lua_tointeger(L, -2) > largest) largest = lua_tointeger(L, -2);
            } else {
                all_positive_integers = 0;
            }
        }
        lua_pop(L, 1);
        if (total > sandbox->limits.max_convert_values)
            luaL_error(L, "more than %d values in one table tree", (int)sandbox->limits.max_convert_values);
    }
    if (total > 0 && all_positive_integers && largest == total) {
        state->tape->values[slot].kind = LSB_ARRAY;
        state->tape->values[slot].count = total;
        for (lua_Integer i = 1; i <= total; i++) {
            lua_rawgeti(L, index, i);
            convert(L, state, lua_gettop(L));
            lua_pop(L, 1);
        }
    } else if (all_strings) {
        state->tape->values[slot].kind = LSB_MAP;
        state->tape->values[slot].count = total;
        lua_pushnil(L);
        while (lua_next(L, index)) {
            convert(L, state, lua_gettop(L) - 1);
            convert(L, state, lua_gettop(L));
            lua_pop(L, 1);
        }
    } else if (all_positive_integers) {
        luaL_error(L, "cannot convert an array with holes (largest index %d, %d values)",
                   (int)largest, (int)total);
    } else {
        luaL_error(L, "cannot convert a table whose keys are not all strings or all 1..n");
    }
    state->depth--;
}

static void convert(lua_State *L, conversion *state, int index) {
    int32_t slot = state->tape->count;
    lsb_value *value = append_or_raise(L, state);
    switch (lua_type(L, index)) {
    case LUA_TNIL:
        value->kind = LSB_NIL;
        break;
    case LUA_TBOOLEAN:
        value->kind = LSB_BOOLEAN;
        value->integer = lua_toboolean(L, index);
        break;
    case LUA_TNUMBER:
        if (lua_isinteger(L, index)) {
            value->kind = LSB_INTEGER;
            value->integer = lua_tointeger(L, index);
        } else {
            value->kind = LSB_NUMBER;
            value->number = lua_tonumber(L, index);
            if (state->reject_non_finite && !isfinite(value->number))
                luaL_error(L, "number must be finite, got %s", isnan(value->number) ? "nan" : "inf");
        }
        break;
    case LUA_TSTRING:
        value->kind = LSB_STRING;
        value->string = lua_tolstring(L, index, &value->length);
        break;
    case LUA_TTABLE:
        convert_table(L, state, index, slot);
        break;
    default:
        luaL_error(L, "cannot convert a %s value", luaL_typename(L, index));
    }
    state->tape->values[slot].end = state->tape->count;
}

void lsb_tape_from_stack(lua_State *L, lsb_tape *tape, int first, int count, int reject_non_finite) {
    conversion state = {tape, reject_non_finite, 0, 0};
    /* Pre-order: each top-level value is followed by its subtree; readers
       hop from one top-level value to the next through `end`. */
    /* The value limit covers everything converted in one go (all results,
       or one host-function argument), not each top-level value. */
    for (int i = 0; i < count; i++) convert(L, &state, first + i);
}

/* ---- tape -> Lua --------------------------------------------------------- */

void lsb_push_tape_value(lua_State *L, const lsb_value *values, int32_t count,
                         int32_t *index, const char *arena, int depth) {
    if (*index >= count) luaL_error(L, "malformed value tape");
    if (depth > 64) luaL_error(L, "values nested too deep");
    luaL_checkstack(L, 3, "pushing values");
    const lsb_value *value = &values[(*index)++];
    switch (value->kind) {
    case LSB_NIL: lua_pushnil(L); break;
    case LSB_BOOLEAN: lua_pushboolean(L, (int)value->integer); break;
    case LSB_INTEGER: lua_pushinteger(L, (lua_Integer)value->integer); break;
    case LSB_NUMBER: lua_pushnumber(L, value->number); break;
    case LSB_STRING: {
        const char *bytes = value->string != NULL ? value->string : arena + value->integer;
        lua_pushlstring(L, bytes, value->length);
        break;
    }
    case LSB_ARRAY:
        lua_createtable(L, value->count, 0);
        for (int32_t i = 1; i <= value->count; i++) {
            lsb_push_tape_value(L, values, count, index, arena, depth + 1);
            lua_rawseti(L, -2, i);
        }
        break;
    case LSB_MAP:
        lua_createtable(L, 0, value->count);
        for (int32_t i = 0; i < value->count; i++) {
            lsb_push_tape_value(L, values, count, index, arena, depth + 1);
            lsb_push_tape_value(L, values, count, index, arena, depth + 1);
            lua_rawset(L, -3);
        }
        break;
    case LSB_REFERENCE:
        lua_rawgeti(L, LUA_REGISTRYINDEX, (lua_Integer)value->integer);
        break;
    case LSB_RECORD:
        lua_createtable(L, 0, value->count);
        lsb_fill_record(L, value, values, count, index, arena, depth);
        break;
    default:
        luaL_error(L, "malformed value tape");
    }
}

void lsb_fill_record(lua_State *L, const lsb_value *record, const lsb_value *values, int32_t count,
                     int32_t *index, const char *arena, int depth) {
    /* keys: the layout's array of interned strings; table at -1 */
    luaL_checkstack(L, 4, "record");
    lua_rawgeti(L, LUA_REGISTRYINDEX, (lua_Integer)record->integer);
    for (int32_t i = 1; i <= record->count; i++) {
        lua_rawgeti(L, -1, i);
        /* Scalars and references inline (an event's fields): the stack room
           was checked above, so only nested values take the general path. */
        const lsb_value *value = *index < count ? &values[*index] : NULL;
        switch (value != NULL ? value->kind : -1) {
        case LSB_NIL: lua_pushnil(L); (*index)++; break;
        case LSB_BOOLEAN: lua_pushboolean(L, (int)value->integer); (*index)++; break;
        case LSB_INTEGER: lua_pushinteger(L, (lua_Integer)value->integer); (*index)++; break;
        case LSB_NUMBER: lua_pushnumber(L, value->number); (*index)++; break;
        case LSB_REFERENCE: lua_rawgeti(L, LUA_REGISTRYINDEX, (lua_Integer)value->integer); (*index)++; break;
        default: lsb_push_tape_value(L, values, count, index, arena, depth + 1); break;
        }
        lua_rawset(L, -4);
    }
    lua_pop(L, 1);
}
