/*
 * Reference measurements for `make bench`: the same work done with the raw
 * Lua C API and no sandbox machinery, so each Sandbox figure is printed next
 * to its baseline from the same run.
 */
#define _GNU_SOURCE
#include "sandbox_internal.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double seconds_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* This thread's CPU time: on a shared machine, time spent descheduled does
   not count against either side of a comparison. */
static double thread_seconds_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static lua_State *plain_state(void) {
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    return L;
}

double lsb_bench_raw_pcall_ns(const char *source, const char *function_name, int64_t iterations) {
    lua_State *L = plain_state();
    if (luaL_dostring(L, source) != LUA_OK) { lua_close(L); return -1; }
    lua_getglobal(L, function_name);
    int reference = luaL_ref(L, LUA_REGISTRYINDEX);
    double start = thread_seconds_now();
    for (int64_t i = 0; i < iterations; i++) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, reference);
        if (lua_pcall(L, 0, LUA_MULTRET, 0) != LUA_OK) { lua_close(L); return -1; }
        lua_settop(L, 0);
    }
    double elapsed = thread_seconds_now() - start;
    lua_close(L);
    return elapsed * 1e9 / (double)iterations;
}

double lsb_bench_raw_load_ns(const char *source, size_t length, int64_t iterations) {
    double start = seconds_now();
    for (int64_t i = 0; i < iterations; i++) {
        lua_State *L = plain_state();
        if (luaL_loadbuffer(L, source, length, "=bench") != LUA_OK || lua_pcall(L, 0, 0, 0) != LUA_OK) {
            lua_close(L);
            return -1;
        }
        lua_close(L);
    }
    return (seconds_now() - start) * 1e9 / (double)iterations;
}

static void *counting_allocator(void *user_data, void *block, size_t old_size, size_t new_size) {
    size_t *used = user_data;
    size_t old_charge = block != NULL ? old_size : 0;
    if (new_size == 0) { free(block); *used -= old_charge; return NULL; }
    void *resized = realloc(block, new_size);
    if (resized != NULL) *used = *used - old_charge + new_size;
    return resized;
}

double lsb_bench_raw_state_bytes(void) {
    size_t used = 0;
    lua_State *L = lua_newstate(counting_allocator, &used);
    luaL_openlibs(L);
    lua_gc(L, LUA_GCCOLLECT, 0);
    double bytes = (double)used;
    lua_close(L);
    return bytes;
}

double lsb_bench_sandbox_call_ns(lsb_sandbox *sandbox, int32_t reference, int64_t iterations) {
    double start = thread_seconds_now();
    for (int64_t i = 0; i < iterations; i++) {
        if (lsb_call(sandbox, reference, NULL, 0, 0, NULL, LSB_CALL_DISCARD_RESULTS) != LSB_OK) return -1;
    }
    return (thread_seconds_now() - start) * 1e9 / (double)iterations;
}

/* ---- plain lua_CFunctions doing what hot host functions do ---------------- */

typedef struct {
    int64_t now;
    double sums[64];      /* a running sum per period, as an incremental SMA keeps */
    int64_t held;         /* bars held */
} bench_host_state;

static int bench_now(lua_State *L) {
    const bench_host_state *state = lua_touserdata(L, lua_upvalueindex(1));
    lua_pushinteger(L, state->now);
    return 1;
}

static int bench_sma(lua_State *L) {
    const bench_host_state *state = lua_touserdata(L, lua_upvalueindex(1));
    lua_Integer period = luaL_checkinteger(L, 1);
    luaL_argcheck(L, period >= 1 && period < 64, 1, "period out of range");
    if (state->held < period) { lua_pushnil(L); return 1; }
    lua_pushnumber(L, state->sums[period] / (double)period);
    return 1;
}

/* A flat position's table, filled as the kernel's answer is: sorted keys. */
static int bench_position(lua_State *L) {
    lua_createtable(L, 0, 5);
    lua_pushnumber(L, 0);
    lua_setfield(L, -2, "market_value");
    lua_pushnumber(L, 0);
    lua_setfield(L, -2, "quantity");
    lua_pushnumber(L, 0);
    lua_setfield(L, -2, "realized_pnl");
    lua_pushlstring(L, "BTCUSD", 6);
    lua_setfield(L, -2, "symbol");
    lua_pushnumber(L, 0);
    lua_setfield(L, -2, "unrealized_pnl");
    return 1;
}

double lsb_bench_raw_host_call_ns(const char *source, int64_t iterations) {
    static bench_host_state state;
    state.now = 1700000000;
    state.held = 1000;
    for (int i = 0; i < 64; i++) state.sums[i] = 30000.0 * i;
    lua_State *L = plain_state();
    lua_createtable(L, 0, 3);
    const luaL_Reg functions[] = {{"now", bench_now}, {"sma", bench_sma}, {"position", bench_position}, {NULL, NULL}};
    lua_pushlightuserdata(L, &state);
    luaL_setfuncs(L, functions, 1);
    lua_setglobal(L, "host");
    if (luaL_dostring(L, source) != LUA_OK) { lua_close(L); return -1; }
    lua_getglobal(L, "run");
    lua_pushinteger(L, (lua_Integer)iterations);
    double start = thread_seconds_now();
    int status = lua_pcall(L, 1, 0, 0);
    double elapsed = thread_seconds_now() - start;
    lua_close(L);
    return status == LUA_OK ? elapsed * 1e9 / (double)iterations : -1;
}

#include <malloc.h>
size_t lsb_bench_heap_in_use(void) {
    struct mallinfo2 info = mallinfo2();
    return info.uordblks;
}
