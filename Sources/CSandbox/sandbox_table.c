/*
 * sandbox_table.c - the table library (concat, insert, remove, move, sort,
 * unpack, pack) for the sandbox.
 *
 * This is an independent implementation of the behaviour described in the
 * Lua 5.4 reference manual (section 6.6 "Table Manipulation"), written
 * against the public C API (lua.h, lauxlib.h) only. Like the stock library
 * it goes through lua_geti / lua_seti / luaL_len, so __index, __newindex and
 * __len are honoured.
 *
 * Why it exists: Lua's count hook never fires while a C function runs, and a
 * script controls how long these loops run (a __len can claim 2^30
 * elements). Every loop here calls lsb_poll() at least every
 * LSB_POLL_INTERVAL iterations; lsb_poll raises a Lua error once the CPU
 * budget of the sandbox is spent, so nothing here holds memory that Lua does
 * not own.
 *
 * There is no mutable global state: the code runs concurrently on many
 * lua_States.
 */
#include <limits.h>

#include "sandbox_internal.h"

/* What a table argument must support (a non-table qualifies when its
   metatable provides the corresponding metamethods). */
#define NEED_READ 1
#define NEED_WRITE 2
#define NEED_LEN 4

/* Iteration counter for polling; one per running builtin, on the C stack. */
typedef struct {
  lua_State *L;
  unsigned n;
} Poller;

static void poll_step(Poller *p) {
  if (++p->n >= LSB_POLL_INTERVAL) {
    p->n = 0;
    lsb_poll(p->L);
  }
}

/* Does the metatable at the top of the stack have a non-nil raw 'field'?
   Leaves the stack as it found it. */
static int meta_has(lua_State *L, const char *field) {
  int present;
  lua_pushstring(L, field);
  present = lua_rawget(L, -2) != LUA_TNIL;
  lua_pop(L, 1);
  return present;
}

/* Accepts a table, or anything whose metatable provides what 'need' asks
   for; raises the usual "table expected" argument error otherwise. */
static void check_table_like(lua_State *L, int arg, int need) {
  int ok;
  if (lua_type(L, arg) == LUA_TTABLE) return;
  if (!lua_getmetatable(L, arg)) {
    luaL_checktype(L, arg, LUA_TTABLE); /* raises */
    return;
  }
  ok = (!(need & NEED_READ) || meta_has(L, "__index")) &&
       (!(need & NEED_WRITE) || meta_has(L, "__newindex")) &&
       (!(need & NEED_LEN) || meta_has(L, "__len"));
  lua_pop(L, 1);
  if (!ok) luaL_checktype(L, arg, LUA_TTABLE); /* raises */
}

/* The length (honouring __len) of a checked table-like argument. */
static lua_Integer checked_len(lua_State *L, int arg, int need) {
  check_table_like(L, arg, need | NEED_LEN);
  return luaL_len(L, arg);
}

/* ------------------------------------------------------------------------ */
/* concat                                                                   */
/* ------------------------------------------------------------------------ */

static void concat_add(lua_State *L, luaL_Buffer *b, lua_Integer i) {
  lua_geti(L, 1, i);
  if (!lua_isstring(L, -1))
    luaL_error(L, "invalid value (%s) at index %I in table for 'concat'",
               luaL_typename(L, -1), i);
  luaL_addvalue(b);
}

int lsb_tab_concat(lua_State *L) {
  Poller poll = {L, 0};
  luaL_Buffer b;
  size_t lsep;
  lua_Integer last = checked_len(L, 1, NEED_READ);
  const char *sep = luaL_optlstring(L, 2, "", &lsep);
  lua_Integer i = luaL_optinteger(L, 3, 1);
  last = luaL_optinteger(L, 4, last);
  luaL_buffinit(L, &b);
  /* 'i < last' rather than 'i <= last': last may be LUA_MAXINTEGER */
  for (; i < last; i++) {
    concat_add(L, &b, i);
    luaL_addlstring(&b, sep, lsep);
    poll_step(&poll);
  }
  if (i == last) concat_add(L, &b, i);
  luaL_pushresult(&b);
  return 1;
}

/* ------------------------------------------------------------------------ */
/* insert / remove / move                                                   */
/* ------------------------------------------------------------------------ */

int lsb_tab_insert(lua_State *L) {
  Poller poll = {L, 0};
  lua_Integer pos;
  lua_Integer n = checked_len(L, 1, NEED_READ | NEED_WRITE);
  /* first free slot, wrapping like Lua integer arithmetic does */
  lua_Integer free_slot = (lua_Integer)((lua_Unsigned)n + 1u);
  switch (lua_gettop(L)) {
    case 2:
      pos = free_slot;
      break;
    case 3: {
      lua_Integer i;
      pos = luaL_checkinteger(L, 2);
      /* pos must lie in [1, free_slot] (one unsigned comparison) */
      luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)free_slot, 2,
                    "position out of bounds");
      for (i = free_slot; i > pos; i--) { /* shift t[pos..n] up by one */
        lua_geti(L, 1, i - 1);
        lua_seti(L, 1, i);
        poll_step(&poll);
      }
      break;
    }
    default:
      return luaL_error(L, "wrong number of arguments to 'insert'");
  }
  lua_seti(L, 1, pos); /* the value is on top */
  return 0;
}

int lsb_tab_remove(lua_State *L) {
  Poller poll = {L, 0};
  lua_Integer n = checked_len(L, 1, NEED_READ | NEED_WRITE);
  lua_Integer pos = luaL_optinteger(L, 2, n);
  /* an explicit position must lie in [1, n + 1]; Lua 5.4.4 blames
     argument #1 for a bad one, and scripts may match on the message */
  if (pos != n)
    luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)n, 1,
                  "position out of bounds");
  lua_geti(L, 1, pos); /* the result */
  for (; pos < n; pos++) { /* shift t[pos+1..n] down by one */
    lua_geti(L, 1, pos + 1);
    lua_seti(L, 1, pos);
    poll_step(&poll);
  }
  lua_pushnil(L);
  lua_seti(L, 1, pos);
  return 1;
}

int lsb_tab_move(lua_State *L) {
  Poller poll = {L, 0};
  lua_Integer f = luaL_checkinteger(L, 2);
  lua_Integer e = luaL_checkinteger(L, 3);
  lua_Integer t = luaL_checkinteger(L, 4);
  int dst = lua_isnoneornil(L, 5) ? 1 : 5;
  check_table_like(L, 1, NEED_READ);
  check_table_like(L, dst, NEED_WRITE);
  if (e >= f) {
    lua_Integer count, i;
    luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3,
                  "too many elements to move");
    count = e - f + 1;
    luaL_argcheck(L, t <= LUA_MAXINTEGER - count + 1, 4,
                  "destination wrap around");
    /* copy front to back unless the destination overlaps the source
       further on in the same table, where that would overwrite elements
       before they are read */
    if (t > e || t <= f || (dst != 1 && !lua_compare(L, 1, dst, LUA_OPEQ))) {
      for (i = 0; i < count; i++) {
        lua_geti(L, 1, f + i);
        lua_seti(L, dst, t + i);
        poll_step(&poll);
      }
    } else {
      for (i = count - 1; i >= 0; i--) {
        lua_geti(L, 1, f + i);
        lua_seti(L, dst, t + i);
        poll_step(&poll);
      }
    }
  }
  lua_pushvalue(L, dst);
  return 1;
}

/* ------------------------------------------------------------------------ */
/* pack / unpack                                                            */
/* ------------------------------------------------------------------------ */

int lsb_tab_pack(lua_State *L) {
  Poller poll = {L, 0};
  int i, n = lua_gettop(L);
  lua_createtable(L, n, 1);
  lua_insert(L, 1); /* the table goes below the values */
  for (i = n; i >= 1; i--) { /* pops the values, last first */
    lua_seti(L, 1, i);
    poll_step(&poll);
  }
  lua_pushinteger(L, n);
  lua_setfield(L, 1, "n");
  return 1;
}

int lsb_tab_unpack(lua_State *L) {
  Poller poll = {L, 0};
  lua_Unsigned count;
  lua_Integer i = luaL_optinteger(L, 2, 1);
  lua_Integer e = lua_isnoneornil(L, 3) ? luaL_len(L, 1) : luaL_checkinteger(L, 3);
  if (i > e) return 0;
  count = (lua_Unsigned)e - (lua_Unsigned)i; /* one less than the count */
  if (count >= (lua_Unsigned)INT_MAX || !lua_checkstack(L, (int)(++count)))
    return luaL_error(L, "too many results to unpack");
  for (; i < e; i++) { /* 'i < e' so that e == LUA_MAXINTEGER works */
    lua_geti(L, 1, i);
    poll_step(&poll);
  }
  lua_geti(L, 1, e);
  return (int)count;
}

/* ------------------------------------------------------------------------ */
/* sort                                                                     */
/* ------------------------------------------------------------------------ */

/*
 * Introsort on the table at stack index 1, elements read and written with
 * lua_geti / lua_seti: quicksort with a median-of-three (or ninther) pivot,
 * falling back to heapsort when the recursion gets too deep (so the worst
 * case stays O(n log n) whatever the input), and insertion sort for ranges
 * of at most three. Values being moved sit on the Lua stack, so the GC sees
 * them. An inconsistent order function is reported ("invalid order function
 * for sorting") when a partition scan runs past its sentinel, which catches
 * the usual mistakes (always true, '<=' with ties) much like Lua does.
 */

/* Ranges this short use insertion sort. Partitioning down to four elements
   keeps the inconsistent-order detection close to stock Lua's. */
#define SORT_SMALL 3

typedef struct {
  lua_State *L;
  int has_cmp; /* comparator function at stack index 2 */
  Poller poll;
} Sorter;

/* Is the value at stack index a less than the one at b? */
static int sort_less(Sorter *st, int a, int b) {
  lua_State *L = st->L;
  int r;
  poll_step(&st->poll);
  if (!st->has_cmp) return lua_compare(L, a, b, LUA_OPLT);
  a = lua_absindex(L, a);
  b = lua_absindex(L, b);
  lua_pushvalue(L, 2);
  lua_pushvalue(L, a);
  lua_pushvalue(L, b);
  lua_call(L, 2, 1);
  r = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return r;
}

static void sort_get(Sorter *st, lua_Integer i) { lua_geti(st->L, 1, i); }

/* Pops the top value into t[i]. */
static void sort_put(Sorter *st, lua_Integer i) { lua_seti(st->L, 1, i); }

static void sort_swap(Sorter *st, lua_Integer i, lua_Integer j) {
  sort_get(st, i);
  sort_get(st, j);
  sort_put(st, i); /* t[i] = old t[j] */
  sort_put(st, j); /* t[j] = old t[i] */
}

/* Makes t[i] <= t[j] (in the sort order) by swapping them if needed. */
static void sort_order2(Sorter *st, lua_Integer i, lua_Integer j) {
  sort_get(st, i);
  sort_get(st, j);
  if (sort_less(st, -1, -2)) {
    sort_put(st, i);
    sort_put(st, j);
  } else {
    lua_pop(st->L, 2);
  }
}

/* Sorts t[a], t[b], t[c] in place: the median ends up at b. */
static void sort_order3(Sorter *st, lua_Integer a, lua_Integer b,
                        lua_Integer c) {
  sort_order2(st, a, b);
  sort_order2(st, b, c);
  sort_order2(st, a, b);
}

/* Puts a pivot candidate at mid and guarantees t[lo] <= t[mid] <= t[hi],
   the sentinels partition() relies on. Long ranges use Tukey's ninther
   (median of three medians of three), which copes far better than a single
   median of three with patterns like organ pipes. */
static void choose_pivot(Sorter *st, lua_Integer lo, lua_Integer mid,
                         lua_Integer hi) {
  lua_Integer d;
  if (hi - lo < 64) {
    sort_order3(st, lo, mid, hi);
    return;
  }
  d = (hi - lo) / 8; /* keeps the nine positions distinct */
  sort_order3(st, lo, lo + d, lo + 2 * d);
  sort_order3(st, mid - d, mid, mid + d);
  sort_order3(st, hi - 2 * d, hi - d, hi);
  sort_order3(st, lo + d, mid, hi - d);
  /* t[lo+d] <= t[mid] <= t[hi-d] now: move those two to the ends */
  sort_swap(st, lo, lo + d);
  sort_swap(st, hi, hi - d);
}

static void insertion_sort(Sorter *st, lua_Integer lo, lua_Integer hi) {
  lua_Integer i, j;
  for (i = lo + 1; i <= hi; i++) {
    int x;
    sort_get(st, i);
    x = lua_gettop(st->L);
    for (j = i; j > lo; j--) {
      sort_get(st, j - 1);
      if (!sort_less(st, x, -1)) {
        lua_pop(st->L, 1);
        break;
      }
      sort_put(st, j); /* move t[j-1] up */
    }
    if (j != i)
      sort_put(st, j);
    else
      lua_pop(st->L, 1);
  }
}

/* Restores the max-heap property below heap node k of the heap stored in
   t[base .. base+size-1] (node k lives at t[base + k]). */
static void heap_sift(Sorter *st, lua_Integer base, lua_Integer k,
                      lua_Integer size) {
  lua_State *L = st->L;
  int x;
  sort_get(st, base + k);
  x = lua_gettop(L);
  for (;;) {
    lua_Integer c = 2 * k + 1;
    if (c >= size) break;
    sort_get(st, base + c);
    if (c + 1 < size) {
      sort_get(st, base + c + 1);
      if (sort_less(st, -2, -1)) { /* the right child is larger */
        lua_remove(L, -2);
        c++;
      } else {
        lua_pop(L, 1);
      }
    }
    if (!sort_less(st, x, -1)) {
      lua_pop(L, 1);
      break;
    }
    sort_put(st, base + k); /* the larger child moves up */
    k = c;
  }
  sort_put(st, base + k);
}

static void heap_sort(Sorter *st, lua_Integer lo, lua_Integer hi) {
  lua_Integer size = hi - lo + 1, k, end;
  for (k = size / 2 - 1; k >= 0; k--) heap_sift(st, lo, k, size);
  for (end = size - 1; end > 0; end--) {
    sort_swap(st, lo, lo + end); /* largest goes to its final place */
    heap_sift(st, lo, 0, end);
  }
}

static void invalid_order(lua_State *L) {
  luaL_error(L, "invalid order function for sorting");
}

/* Partitions t[lo..hi] (at least 4 elements) around a sampled pivot and
   returns the pivot's final index p: t[lo..p-1] <= t[p] <= t[p+1..hi].
   The scans rely on sentinels that a consistent order guarantees; if a scan
   runs past one, the order function is inconsistent. */
static lua_Integer partition(Sorter *st, lua_Integer lo, lua_Integer hi) {
  lua_State *L = st->L;
  lua_Integer mid = lo + (hi - lo) / 2, i = lo, j = hi - 1;
  int pivot;
  choose_pivot(st, lo, mid, hi);
  /* now t[lo] <= t[mid] <= t[hi]; park the pivot at hi-1 */
  sort_swap(st, mid, hi - 1);
  sort_get(st, hi - 1);
  pivot = lua_gettop(L);
  for (;;) {
    /* t[hi-1] is the pivot itself, so this stops by hi-1 */
    for (;;) {
      sort_get(st, ++i);
      if (!sort_less(st, -1, pivot)) break;
      if (i >= hi - 1) invalid_order(L);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    /* t[lo] <= pivot, so this stops by lo */
    for (;;) {
      sort_get(st, --j);
      if (!sort_less(st, pivot, -1)) break;
      if (j <= lo) invalid_order(L);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (j <= i) break;
    sort_swap(st, i, j);
  }
  lua_pop(L, 1); /* the pivot copy */
  sort_swap(st, i, hi - 1);
  return i;
}

static void sort_range(Sorter *st, lua_Integer lo, lua_Integer hi,
                       int depth_left) {
  while (hi - lo + 1 > SORT_SMALL) {
    lua_Integer p;
    if (depth_left-- == 0) {
      heap_sort(st, lo, hi);
      return;
    }
    p = partition(st, lo, hi);
    /* recurse into the smaller side, loop on the larger: the C stack then
       stays O(log n) deep */
    if (p - lo < hi - p) {
      sort_range(st, lo, p - 1, depth_left);
      lo = p + 1;
    } else {
      sort_range(st, p + 1, hi, depth_left);
      hi = p - 1;
    }
  }
  insertion_sort(st, lo, hi);
}

int lsb_tab_sort(lua_State *L) {
  lua_Integer n = checked_len(L, 1, NEED_READ | NEED_WRITE);
  if (n > 1) {
    Sorter st;
    int depth = 0;
    lua_Integer k;
    luaL_argcheck(L, n < INT_MAX, 1, "array too big");
    if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_settop(L, 2);
    luaL_checkstack(L, 8, "table too big to sort"); /* a few live values */
    for (k = n; k > 1; k >>= 1) depth += 2; /* 2 * log2(n) */
    st.L = L;
    st.has_cmp = !lua_isnil(L, 2);
    st.poll.L = L;
    st.poll.n = 0;
    sort_range(&st, 1, n, depth);
  }
  return 0;
}
