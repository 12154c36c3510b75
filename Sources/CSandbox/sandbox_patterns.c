/*
 * sandbox_patterns.c - string.find, string.match, string.gmatch, string.gsub
 * and string.rep for the sandbox.
 *
 * This is an independent implementation of the behaviour described in the
 * Lua 5.4 reference manual (section 6.4 "String Manipulation" and 6.4.1
 * "Patterns"), written against the public C API (lua.h, lauxlib.h) only.
 *
 * Why it exists: Lua's count hook never fires while a C function runs, so a
 * script could otherwise spend unbounded CPU inside one pattern call (say
 * catastrophic backtracking on a long subject). Everything here whose running
 * time the script controls counts its work and calls lsb_poll() at least every
 * LSB_POLL_INTERVAL steps; lsb_poll raises a Lua error once the CPU budget of
 * the sandbox is spent. lsb_poll may longjmp out of any of these functions, so
 * no function here holds memory that Lua does not own.
 *
 * There is no mutable global state: the code runs concurrently on many
 * lua_States.
 */
#include <ctype.h>
#include <limits.h>
#include <string.h>

#include "sandbox_internal.h"

#define PAT_ESC '%'

/* Most captures one pattern may have (the stock library's default). */
#define PAT_MAX_CAPTURES 32

/* Nesting limit of the matcher's recursion (C stack protection). */
#define PAT_MAX_DEPTH 200

/* Characters that make a find() pattern more than a plain substring. */
#define PAT_SPECIALS "^$*+?.([%-"

/* Capture lengths that are not lengths. */
#define CAP_OPEN (-1)     /* '(' seen, matching ')' not reached yet */
#define CAP_POSITION (-2) /* "()" : captures the current position */

typedef struct {
  const char *start;
  ptrdiff_t len; /* >= 0, CAP_OPEN or CAP_POSITION */
} Capture;

/* State of one matching attempt (lives on the C stack of the caller). */
typedef struct {
  lua_State *L;
  const char *subj;     /* subject start */
  const char *subj_end; /* one past the subject's last character */
  const char *pat_end;  /* one past the pattern's last character */
  int depth_left;       /* remaining nesting of match() */
  int ncap;             /* captures opened so far in this attempt */
  unsigned work;        /* work units since the last lsb_poll */
  Capture cap[PAT_MAX_CAPTURES];
} Matcher;

/* ------------------------------------------------------------------------ */
/* CPU accounting                                                           */
/* ------------------------------------------------------------------------ */

/* Charges 'units' of work; polls the quota once a full interval accumulated. */
static void charge(Matcher *m, unsigned units) {
  m->work += units;
  if (m->work >= LSB_POLL_INTERVAL) {
    m->work = 0;
    lsb_poll(m->L);
  }
}

/* Copying n bytes costs about n/64 steps: one step is a small constant amount
   of work, and a large memcpy must not escape polling. */
static void charge_bytes(Matcher *m, size_t n) {
  size_t units = 1 + n / 64;
  charge(m, units > LSB_POLL_INTERVAL ? LSB_POLL_INTERVAL : (unsigned)units);
}

static void matcher_init(Matcher *m, lua_State *L, const char *s, size_t ls,
                         const char *p, size_t lp) {
  m->L = L;
  m->subj = s;
  m->subj_end = s + ls;
  m->pat_end = p + lp;
  m->work = 0;
  m->ncap = 0;
  m->depth_left = PAT_MAX_DEPTH;
}

/* Every attempt at a new subject position starts with no captures. */
static void matcher_reset(Matcher *m) {
  m->ncap = 0;
  m->depth_left = PAT_MAX_DEPTH;
}

/* ------------------------------------------------------------------------ */
/* Single-character items                                                   */
/* ------------------------------------------------------------------------ */

/* Does character c belong to class %cl? Lowercase letters name a class,
   uppercase ones its complement; any other character stands for itself. */
static int class_has(int cl, int c) {
  int in;
  switch (tolower(cl)) {
    case 'a': in = isalpha(c); break;
    case 'c': in = iscntrl(c); break;
    case 'd': in = isdigit(c); break;
    case 'g': in = isgraph(c); break;
    case 'l': in = islower(c); break;
    case 'p': in = ispunct(c); break;
    case 's': in = isspace(c); break;
    case 'u': in = isupper(c); break;
    case 'w': in = isalnum(c); break;
    case 'x': in = isxdigit(c); break;
    case 'z': in = (c == 0); break; /* Lua 5.1's %z, still accepted by 5.4 */
    default: return cl == c;
  }
  if (isupper(cl)) in = !in;
  return in != 0;
}

/* Does c belong to the set whose '[' is at 'open' and ']' at 'close'?
   Inside a set, "%x" is a class or an escaped character, "a-z" a range
   (only when something follows the '-' before the ']'), and any other
   character stands for itself. */
static int set_has(int c, const char *open, const char *close) {
  const char *p = open + 1;
  int found = 1; /* value to return when c is in the listed items */
  if (*p == '^') {
    found = 0;
    p++;
  }
  for (; p < close; p++) {
    if (*p == PAT_ESC) {
      p++;
      if (class_has((unsigned char)*p, c)) return found;
    } else if (p + 2 < close && p[1] == '-') {
      if ((unsigned char)p[0] <= c && c <= (unsigned char)p[2]) return found;
      p += 2;
    } else if ((unsigned char)*p == c) {
      return found;
    }
  }
  return !found;
}

/* Returns the end of the single-character item starting at p: one char,
   "%x", or a whole set "[...]". The first character of a set (after an
   optional '^') never closes it, so "[]]" is the set holding ']'. */
static const char *item_end(Matcher *m, const char *p) {
  if (*p == PAT_ESC) {
    if (p + 1 >= m->pat_end)
      luaL_error(m->L, "malformed pattern (ends with '%%')");
    return p + 2;
  }
  if (*p == '[') {
    p++;
    if (p < m->pat_end && *p == '^') p++;
    for (;;) {
      if (p >= m->pat_end) luaL_error(m->L, "malformed pattern (missing ']')");
      if (*p++ == PAT_ESC && p < m->pat_end) p++; /* "%]" does not close */
      if (p < m->pat_end && *p == ']') return p + 1;
    }
  }
  return p + 1;
}

/* Does the item [p, ep) match the subject character at s? */
static int item_matches(const Matcher *m, const char *s, const char *p,
                        const char *ep) {
  int c;
  if (s >= m->subj_end) return 0;
  c = (unsigned char)*s;
  switch (*p) {
    case '.': return 1;
    case PAT_ESC: return class_has((unsigned char)p[1], c);
    case '[': return set_has(c, p, ep - 1);
    default: return (unsigned char)*p == c;
  }
}

/* ------------------------------------------------------------------------ */
/* The matcher                                                              */
/* ------------------------------------------------------------------------ */

static const char *match(Matcher *m, const char *s, const char *p);

/* "x*" (and "x+" after its first x): take as many as possible, then give
   back one at a time until the rest of the pattern matches. */
static const char *match_greedy(Matcher *m, const char *s, const char *p,
                                const char *ep) {
  ptrdiff_t n = 0;
  while (item_matches(m, s + n, p, ep)) {
    n++;
    charge(m, 1);
  }
  for (; n >= 0; n--) {
    const char *e = match(m, s + n, ep + 1);
    if (e != NULL) return e;
  }
  return NULL;
}

/* "x-": take as few as possible, one more each time the rest fails. */
static const char *match_lazy(Matcher *m, const char *s, const char *p,
                              const char *ep) {
  for (;;) {
    const char *e = match(m, s, ep + 1);
    if (e != NULL) return e;
    if (!item_matches(m, s, p, ep)) return NULL;
    s++;
  }
}

static const char *open_capture(Matcher *m, const char *s, const char *p,
                                ptrdiff_t kind) {
  const char *e;
  if (m->ncap >= PAT_MAX_CAPTURES) luaL_error(m->L, "too many captures");
  m->cap[m->ncap].start = s;
  m->cap[m->ncap].len = kind;
  m->ncap++;
  e = match(m, s, p);
  if (e == NULL) m->ncap--; /* this attempt failed: forget the capture */
  return e;
}

static const char *close_capture(Matcher *m, const char *s, const char *p) {
  const char *e;
  int i = m->ncap - 1;
  while (i >= 0 && m->cap[i].len != CAP_OPEN) i--; /* innermost open one */
  if (i < 0) luaL_error(m->L, "invalid pattern capture");
  m->cap[i].len = s - m->cap[i].start;
  e = match(m, s, p);
  if (e == NULL) m->cap[i].len = CAP_OPEN; /* reopen on backtrack */
  return e;
}

/* "%bxy" with p at x: a balanced run from x to the matching y. */
static const char *match_balance(Matcher *m, const char *s, const char *p) {
  size_t level = 1;
  char open, close;
  if (p + 1 >= m->pat_end)
    luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
  open = p[0];
  close = p[1];
  if (s >= m->subj_end || *s != open) return NULL;
  while (++s < m->subj_end) {
    charge(m, 1);
    if (*s == close) { /* tested first, so "%bxx" works */
      if (--level == 0) return s + 1;
    } else if (*s == open) {
      level++;
    }
  }
  return NULL;
}

/* "%1".."%9": the text of an earlier, closed capture. A position capture
   has no text, so a back-reference to one never matches. */
static const char *match_backref(Matcher *m, const char *s, int digit) {
  int i = digit - '1';
  size_t len;
  if (i < 0 || i >= m->ncap || m->cap[i].len == CAP_OPEN)
    luaL_error(m->L, "invalid capture index %%%d", i + 1);
  if (m->cap[i].len < 0) return NULL;
  len = (size_t)m->cap[i].len;
  if ((size_t)(m->subj_end - s) < len) return NULL;
  if (memcmp(m->cap[i].start, s, len) != 0) return NULL;
  charge_bytes(m, len);
  return s + len;
}

/* Returns the end of the match of pattern p against subject position s, or
   NULL. Items that cannot need backtracking loop here; the others recurse,
   which is what the depth limit bounds. */
static const char *match(Matcher *m, const char *s, const char *p) {
  const char *result = NULL;
  if (m->depth_left-- == 0) luaL_error(m->L, "pattern too complex");
  for (;;) {
    const char *ep;
    charge(m, 1);
    if (p == m->pat_end) {
      result = s;
      break;
    }
    if (*p == '(') {
      if (p + 1 < m->pat_end && p[1] == ')')
        result = open_capture(m, s, p + 2, CAP_POSITION);
      else
        result = open_capture(m, s, p + 1, CAP_OPEN);
      break;
    }
    if (*p == ')') {
      result = close_capture(m, s, p + 1);
      break;
    }
    if (*p == '$' && p + 1 == m->pat_end) { /* '$' elsewhere is literal */
      result = (s == m->subj_end) ? s : NULL;
      break;
    }
    if (*p == PAT_ESC && p + 1 < m->pat_end) {
      char k = p[1];
      if (k == 'b') {
        s = match_balance(m, s, p + 2);
        if (s == NULL) break;
        p += 4;
        continue;
      }
      if (k == 'f') {
        int before, here;
        p += 2;
        if (p >= m->pat_end || *p != '[')
          luaL_error(m->L, "missing '[' after '%%f' in pattern");
        ep = item_end(m, p);
        /* the subject's edges count as '\0' on either side */
        before = (s == m->subj) ? 0 : (unsigned char)s[-1];
        here = (s < m->subj_end) ? (unsigned char)*s : 0;
        if (set_has(before, p, ep - 1) || !set_has(here, p, ep - 1)) break;
        p = ep;
        continue;
      }
      if (k >= '0' && k <= '9') {
        s = match_backref(m, s, k);
        if (s == NULL) break;
        p += 2;
        continue;
      }
    }
    /* a single-character item, possibly followed by a quantifier */
    ep = item_end(m, p);
    {
      char q = (ep < m->pat_end) ? *ep : '\0';
      if (!item_matches(m, s, p, ep)) {
        if (q == '*' || q == '?' || q == '-') { /* zero repetitions is fine */
          p = ep + 1;
          continue;
        }
        break;
      }
      if (q == '?') {
        const char *e = match(m, s + 1, ep + 1);
        if (e != NULL) {
          result = e;
          break;
        }
        p = ep + 1;
        continue;
      }
      if (q == '+') {
        result = match_greedy(m, s + 1, p, ep);
        break;
      }
      if (q == '*') {
        result = match_greedy(m, s, p, ep);
        break;
      }
      if (q == '-') {
        result = match_lazy(m, s, p, ep);
        break;
      }
      s++;
      p = ep;
    }
  }
  m->depth_left++;
  return result;
}

/* ------------------------------------------------------------------------ */
/* Captures to Lua values                                                   */
/* ------------------------------------------------------------------------ */

/* Capture i of a successful match [s, e). With no captures at all, capture 0
   is the whole match. Returns the length and sets *text, or returns
   CAP_POSITION after pushing the position (an integer) on the stack. */
static ptrdiff_t capture_get(Matcher *m, int i, const char *s, const char *e,
                             const char **text) {
  *text = s;
  if (i >= m->ncap) {
    if (i != 0) return luaL_error(m->L, "invalid capture index %%%d", i + 1);
    return e - s;
  }
  if (m->cap[i].len == CAP_OPEN)
    return luaL_error(m->L, "unfinished capture");
  *text = m->cap[i].start;
  if (m->cap[i].len == CAP_POSITION)
    lua_pushinteger(m->L, (lua_Integer)(m->cap[i].start - m->subj) + 1);
  return m->cap[i].len;
}

static void push_capture(Matcher *m, int i, const char *s, const char *e) {
  const char *text;
  ptrdiff_t len = capture_get(m, i, s, e, &text);
  if (len != CAP_POSITION) lua_pushlstring(m->L, text, (size_t)len);
}

/* Pushes all captures; with whole_if_none, the whole match when the pattern
   has none. Returns the number of values pushed. */
static int push_captures(Matcher *m, const char *s, const char *e,
                         int whole_if_none) {
  int i, n = (m->ncap == 0 && whole_if_none) ? 1 : m->ncap;
  luaL_checkstack(m->L, n, "too many captures");
  for (i = 0; i < n; i++) push_capture(m, i, s, e);
  return n;
}

/* ------------------------------------------------------------------------ */
/* find / match                                                             */
/* ------------------------------------------------------------------------ */

/* Converts a 1-based, possibly negative init argument into a 0-based offset.
   Any offset > len means "starts after the end of the subject". */
static size_t start_offset(lua_Integer pos, size_t len) {
  if (pos > 0)
    return ((lua_Unsigned)pos - 1 > (lua_Unsigned)len) ? len + 1
                                                       : (size_t)(pos - 1);
  if (pos == 0 || pos < -(lua_Integer)len) return 0;
  return (size_t)((lua_Integer)len + pos);
}

static int has_specials(const char *p, size_t lp) {
  size_t i;
  for (i = 0; i < lp; i++)
    if (p[i] != '\0' && strchr(PAT_SPECIALS, p[i]) != NULL) return 1;
  return 0;
}

/* Plain substring search, polled: a naive scan costs up to |s|*|p|. */
static const char *plain_find(lua_State *L, const char *s, size_t ls,
                              const char *p, size_t lp) {
  const char *last;
  size_t work = 0;
  if (lp == 0) return s;
  if (lp > ls) return NULL;
  last = s + (ls - lp); /* last possible start */
  while (s <= last) {
    const char *c = memchr(s, p[0], (size_t)(last - s) + 1);
    if (c == NULL) return NULL;
    if (memcmp(c + 1, p + 1, lp - 1) == 0) return c;
    work += 1 + lp / 64;
    if (work >= LSB_POLL_INTERVAL) {
      work = 0;
      lsb_poll(L);
    }
    s = c + 1;
  }
  return NULL;
}

static int find_or_match(lua_State *L, int is_find) {
  size_t ls, lp, init;
  const char *s = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  Matcher m;
  const char *at;
  int anchored;
  init = start_offset(luaL_optinteger(L, 3, 1), ls);
  if (init > ls) {
    luaL_pushfail(L);
    return 1;
  }
  if (is_find && (lua_toboolean(L, 4) || !has_specials(p, lp))) {
    const char *hit = plain_find(L, s + init, ls - init, p, lp);
    if (hit == NULL) {
      luaL_pushfail(L);
      return 1;
    }
    lua_pushinteger(L, (lua_Integer)(hit - s) + 1);
    lua_pushinteger(L, (lua_Integer)(hit - s + lp));
    return 2;
  }
  anchored = (lp > 0 && *p == '^');
  if (anchored) {
    p++;
    lp--;
  }
  matcher_init(&m, L, s, ls, p, lp);
  at = s + init;
  for (;;) {
    const char *e;
    matcher_reset(&m);
    e = match(&m, at, p);
    if (e != NULL) {
      if (!is_find) return push_captures(&m, at, e, 1);
      lua_pushinteger(L, (lua_Integer)(at - s) + 1);
      lua_pushinteger(L, (lua_Integer)(e - s));
      return 2 + push_captures(&m, NULL, NULL, 0);
    }
    /* an empty match at the very end is still worth a try */
    if (anchored || at >= m.subj_end) break;
    at++;
  }
  luaL_pushfail(L);
  return 1;
}

int lsb_str_find(lua_State *L) { return find_or_match(L, 1); }

int lsb_str_match(lua_State *L) { return find_or_match(L, 0); }

/* ------------------------------------------------------------------------ */
/* gmatch                                                                   */
/* ------------------------------------------------------------------------ */

/* Iterator state, as offsets so it never points into a string directly (the
   subject and pattern are kept alive as upvalues of the iterator). */
typedef struct {
  size_t next;          /* where the next search starts; > length: done */
  ptrdiff_t last_end;   /* end offset of the previous match, or -1 */
} GmatchState;

static int gmatch_next(lua_State *L) {
  size_t ls, lp, pos;
  const char *s = lua_tolstring(L, lua_upvalueindex(1), &ls);
  const char *p = lua_tolstring(L, lua_upvalueindex(2), &lp);
  GmatchState *st = (GmatchState *)lua_touserdata(L, lua_upvalueindex(3));
  Matcher m;
  matcher_init(&m, L, s, ls, p, lp);
  /* no anchor handling: in gmatch a leading '^' is an ordinary character */
  for (pos = st->next; pos <= ls; pos++) {
    const char *e;
    matcher_reset(&m);
    e = match(&m, s + pos, p);
    /* an empty match right where the previous match ended is skipped, so
       "a*" over "aab" yields "aa", "" (at b), "" (at end) and not "" twice */
    if (e != NULL && (e - s) != st->last_end) {
      st->next = (size_t)(e - s);
      st->last_end = e - s;
      return push_captures(&m, s + pos, e, 1);
    }
  }
  st->next = ls + 1;
  return 0;
}

int lsb_str_gmatch(lua_State *L) {
  size_t ls, lp, init;
  GmatchState *st;
  luaL_checklstring(L, 1, &ls);
  luaL_checklstring(L, 2, &lp);
  init = start_offset(luaL_optinteger(L, 3, 1), ls);
  st = (GmatchState *)lua_newuserdatauv(L, sizeof(GmatchState), 0);
  st->next = init;
  st->last_end = -1;
  lua_pushvalue(L, 1);
  lua_pushvalue(L, 2);
  lua_rotate(L, -3, 2); /* order: subject, pattern, state */
  lua_pushcclosure(L, gmatch_next, 3);
  return 1;
}

/* ------------------------------------------------------------------------ */
/* gsub                                                                     */
/* ------------------------------------------------------------------------ */

/* Appends the replacement string (argument 3) for the match [s, e):
   "%0" is the whole match, "%1".."%9" a capture, "%%" a percent sign. */
static void add_template(Matcher *m, luaL_Buffer *b, const char *s,
                         const char *e) {
  size_t len;
  const char *r = lua_tolstring(m->L, 3, &len);
  const char *end = r + len;
  charge_bytes(m, len);
  while (r < end) {
    const char *pct = memchr(r, PAT_ESC, (size_t)(end - r));
    if (pct == NULL) {
      luaL_addlstring(b, r, (size_t)(end - r));
      break;
    }
    luaL_addlstring(b, r, (size_t)(pct - r));
    /* the Lua string's terminating '\0' makes pct[1] safe to read */
    if (pct[1] == PAT_ESC) {
      luaL_addchar(b, PAT_ESC);
    } else if (pct[1] == '0') {
      luaL_addlstring(b, s, (size_t)(e - s));
      charge_bytes(m, (size_t)(e - s));
    } else if (pct + 1 < end && isdigit((unsigned char)pct[1])) {
      const char *text;
      ptrdiff_t n = capture_get(m, pct[1] - '1', s, e, &text);
      if (n == CAP_POSITION) {
        luaL_addvalue(b); /* the pushed position, as a decimal string */
      } else {
        luaL_addlstring(b, text, (size_t)n);
        charge_bytes(m, (size_t)n);
      }
    } else {
      luaL_error(m->L, "invalid use of '%c' in replacement string", PAT_ESC);
    }
    r = pct + 2;
  }
}

/* Appends the replacement for the match [s, e) according to the type of
   argument 3. Returns 1 when the match was replaced, 0 when it was kept
   (a table or function gave false or nil). */
static int add_replacement(Matcher *m, luaL_Buffer *b, const char *s,
                           const char *e, int repl_type) {
  lua_State *L = m->L;
  if (repl_type == LUA_TFUNCTION) {
    int n;
    lua_pushvalue(L, 3);
    n = push_captures(m, s, e, 1);
    lua_call(L, n, 1);
  } else if (repl_type == LUA_TTABLE) {
    push_capture(m, 0, s, e);
    lua_gettable(L, 3);
  } else {
    add_template(m, b, s, e);
    return 1;
  }
  if (!lua_toboolean(L, -1)) {
    lua_pop(L, 1);
    luaL_addlstring(b, s, (size_t)(e - s));
    charge_bytes(m, (size_t)(e - s));
    return 0;
  }
  if (!lua_isstring(L, -1))
    return luaL_error(L, "invalid replacement value (a %s)",
                      luaL_typename(L, -1));
  {
    size_t n;
    lua_tolstring(L, -1, &n);
    charge_bytes(m, n);
  }
  luaL_addvalue(b);
  return 1;
}

int lsb_str_gsub(lua_State *L) {
  size_t ls, lp;
  const char *s = luaL_checklstring(L, 1, &ls);
  const char *p = luaL_checklstring(L, 2, &lp);
  int repl_type = lua_type(L, 3);
  lua_Integer max_n = luaL_optinteger(L, 4, (lua_Integer)ls + 1);
  lua_Integer count = 0;
  int changed = 0, anchored;
  const char *at = s, *last_end = NULL;
  Matcher m;
  luaL_Buffer b;
  luaL_argexpected(L,
                   repl_type == LUA_TNUMBER || repl_type == LUA_TSTRING ||
                       repl_type == LUA_TFUNCTION || repl_type == LUA_TTABLE,
                   3, "string/function/table");
  anchored = (lp > 0 && *p == '^');
  if (anchored) {
    p++;
    lp--;
  }
  luaL_buffinit(L, &b);
  matcher_init(&m, L, s, ls, p, lp);
  while (count < max_n) {
    const char *e;
    matcher_reset(&m);
    e = match(&m, at, p);
    /* as in gmatch, no empty match where the previous match ended */
    if (e != NULL && e != last_end) {
      count++;
      changed |= add_replacement(&m, &b, at, e, repl_type);
      at = last_end = e;
    } else if (at < m.subj_end) {
      luaL_addchar(&b, *at++);
    } else {
      break;
    }
    if (anchored) break;
  }
  if (!changed) {
    lua_pushvalue(L, 1); /* nothing replaced: the original string */
  } else {
    luaL_addlstring(&b, at, (size_t)(m.subj_end - at));
    luaL_pushresult(&b);
  }
  lua_pushinteger(L, count);
  return 2;
}

/* ------------------------------------------------------------------------ */
/* rep                                                                      */
/* ------------------------------------------------------------------------ */

int lsb_str_rep(lua_State *L) {
  size_t ls, lsep, total, unit, units, work = 0;
  const char *s = luaL_checklstring(L, 1, &ls);
  lua_Integer n = luaL_checkinteger(L, 2);
  const char *sep = luaL_optlstring(L, 3, "", &lsep);
  luaL_Buffer b;
  char *out;
  lua_Integer i;
  if (n <= 0) {
    lua_pushliteral(L, "");
    return 1;
  }
  /* total = n*ls + (n-1)*lsep = n*(ls+lsep) - lsep; n*(ls+lsep) must fit
     both a size_t and a Lua integer (the largest string Lua can describe) */
  unit = ls + lsep;
  if (unit < ls)
    return luaL_error(L, "resulting string too large");
  if (unit != 0) {
    size_t max_size = (SIZE_MAX < (lua_Unsigned)LUA_MAXINTEGER)
                          ? SIZE_MAX : (size_t)LUA_MAXINTEGER;
    if ((lua_Unsigned)n > (lua_Unsigned)(max_size / unit))
      return luaL_error(L, "resulting string too large");
  }
  total = (size_t)n * unit - lsep; /* n >= 1, so no underflow */
  if (total == 0) { /* also avoids looping n times over nothing */
    lua_pushliteral(L, "");
    return 1;
  }
  if (total > lsb_memory_remaining(L)) {
    lsb_mark_memory_exceeded(L);
    return lsb_raise_fault(L);
  }
  out = luaL_buffinitsize(L, &b, total);
  units = 1 + unit / 64; /* polling weight of one repetition */
  for (i = 0; i < n; i++) {
    if (i > 0 && lsep > 0) {
      memcpy(out, sep, lsep);
      out += lsep;
    }
    memcpy(out, s, ls);
    out += ls;
    work += units;
    if (work >= LSB_POLL_INTERVAL) {
      work = 0;
      lsb_poll(L);
    }
  }
  luaL_pushresultsize(&b, total);
  return 1;
}
