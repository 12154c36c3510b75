/*
 * Published results: answers to host-function calls that the host has
 * written into C memory ahead of time, so a script's call of, say,
 * `ta.sma(20)` or `ctx.now()` is answered by the trampoline without
 * converting arguments or crossing into Swift.
 *
 * An entry is keyed by the host function, a scope and up to
 * LSB_PUBLISHED_ARGUMENTS numeric arguments (compared bit for bit after an
 * integer is converted to a double, as the Swift side converts it). Scoped
 * functions take their scope from a trailing string argument (a name the
 * host registered) or, without one, from the host's current scope.
 * Anything else -- other argument types, `module:function()` calls, unknown
 * names, a missing entry -- goes down the ordinary path to Swift, which is
 * what creates entries in the first place; so an answer from here is always
 * one the host already gave for the same arguments and state.
 *
 * An answer is up to three numbers (or nil), or one table of at most
 * LSB_PUBLISHED_FIELDS number fields and one short string field (e.g.
 * `ctx.position()`), rebuilt here as a fresh table on every call, filled in
 * the order the host published it -- the order its own conversion fills the
 * same table -- so both paths give the same table, traversal order included.
 * A table the host could not publish whole is marked unavailable (calls take
 * the ordinary path), never answered in part.
 *
 * Memory: the tables are allocated through the state's allocator, so they
 * count against the memory quota (a refusal poisons the sandbox like any
 * other), and are bounded by LSB_PUBLISHED_LIMIT entries and
 * LSB_SCOPE_NAME_LIMIT names of at most LSB_SCOPE_NAME_BYTES bytes and
 * LSB_PUBLISHED_KEY_LIMIT table keys. They are
 * freed with the state (lsb_reset, lsb_close).
 */
#include "sandbox_internal.h"
#include <math.h>
#include <string.h>

/* Allocates, resizes or (new_size 0) frees through the state's allocator:
   charged to the quota like the script's own memory. */
static void *quota_realloc(lsb_sandbox *sandbox, void *block, size_t old_size, size_t new_size) {
    void *user_data = NULL;
    lua_Alloc allocate = lua_getallocf(sandbox->L, &user_data);
    return allocate(user_data, block, block != NULL ? old_size : 0, new_size);
}

/* Makes room for element `count` of an array of `size`-byte elements that
   doubles from `first` up to `limit` elements, charged to the quota. */
static int32_t reserve_one(lsb_sandbox *sandbox, void **array, int32_t count, int32_t *capacity,
                           int32_t limit, size_t size, int32_t first) {
    if (count < *capacity) return LSB_OK;
    if (count == limit) return LSB_ERR_TOO_LARGE;
    int32_t grown = *capacity == 0 ? first : *capacity * 2;
    if (grown > limit) grown = limit;
    void *bigger = quota_realloc(sandbox, *array, (size_t)*capacity * size, (size_t)grown * size);
    if (bigger == NULL) return LSB_ERR_MEMORY;
    *array = bigger;
    *capacity = grown;
    return LSB_OK;
}

static uint64_t mix(uint64_t hash, uint64_t value) {
    hash ^= value;
    hash *= 0x9E3779B97F4A7C15ull;
    return hash ^ (hash >> 29);
}

static uint64_t key_hash(int32_t function, int32_t scope, const uint64_t *arguments, int32_t argc) {
    uint64_t hash = mix(0x243F6A8885A308D3ull, ((uint64_t)(uint32_t)function << 32) | (uint32_t)scope);
    hash = mix(hash, (uint64_t)argc);
    for (int32_t i = 0; i < argc; i++) hash = mix(hash, arguments[i]);
    return hash;
}

static uint64_t argument_bits(double value) {
    uint64_t bits;
    memcpy(&bits, &value, sizeof bits);
    return bits;
}

/* The entry for the key, or -1. */
static int32_t find(const lsb_sandbox *sandbox, int32_t function, int32_t scope, const uint64_t *arguments,
                    int32_t argc) {
    if (sandbox->published_bucket_count == 0) return -1;
    uint32_t mask = (uint32_t)sandbox->published_bucket_count - 1;
    uint32_t bucket = (uint32_t)key_hash(function, scope, arguments, argc) & mask;
    for (;;) {
        int32_t index = sandbox->published_buckets[bucket];
        if (index < 0) return -1;
        const lsb_published *entry = &sandbox->published[index];
        if (entry->function == function && entry->scope == scope && entry->argc == argc &&
            memcmp(entry->arguments, arguments, (size_t)argc * sizeof *arguments) == 0)
            return index;
        bucket = (bucket + 1) & mask;
    }
}

/* Grows the entries and rebuilds the buckets (load factor at most 1/2). */
static int grow(lsb_sandbox *sandbox) {
    int32_t capacity = sandbox->published_capacity == 0 ? 4 : sandbox->published_capacity * 2;
    if (capacity > LSB_PUBLISHED_LIMIT) capacity = LSB_PUBLISHED_LIMIT;
    if (capacity <= sandbox->published_capacity) return 0;
    lsb_published *entries = quota_realloc(sandbox, sandbox->published,
                                           (size_t)sandbox->published_capacity * sizeof *entries,
                                           (size_t)capacity * sizeof *entries);
    if (entries == NULL) return 0;
    sandbox->published = entries;
    sandbox->published_capacity = capacity;
    int32_t bucket_count = capacity * 2;
    int32_t *buckets = quota_realloc(sandbox, sandbox->published_buckets,
                                     (size_t)sandbox->published_bucket_count * sizeof *buckets,
                                     (size_t)bucket_count * sizeof *buckets);
    if (buckets == NULL) return 0;
    sandbox->published_buckets = buckets;
    sandbox->published_bucket_count = bucket_count;
    for (int32_t i = 0; i < bucket_count; i++) buckets[i] = -1;
    uint32_t mask = (uint32_t)bucket_count - 1;
    for (int32_t index = 0; index < sandbox->published_count; index++) {
        const lsb_published *entry = &entries[index];
        uint32_t bucket = (uint32_t)key_hash(entry->function, entry->scope, entry->arguments, entry->argc) & mask;
        while (buckets[bucket] >= 0) bucket = (bucket + 1) & mask;
        buckets[bucket] = index;
    }
    return 1;
}

int32_t lsb_set_publish_mode(lsb_sandbox *sandbox, int32_t function_index, int32_t mode) {
    if (sandbox->L == NULL) return LSB_ERR_MEMORY;
    if (function_index < 0 || function_index >= LSB_PUBLISHED_LIMIT || mode < LSB_PUBLISH_NONE ||
        mode > LSB_PUBLISH_SCOPED)
        return LSB_ERR_CONVERT;
    if (function_index >= sandbox->mode_count) {
        int32_t count = function_index + 16;
        uint8_t *modes = quota_realloc(sandbox, sandbox->modes, (size_t)sandbox->mode_count, (size_t)count);
        if (modes == NULL) return LSB_ERR_MEMORY;
        memset(modes + sandbox->mode_count, 0, (size_t)(count - sandbox->mode_count));
        sandbox->modes = modes;
        sandbox->mode_count = count;
    }
    sandbox->modes[function_index] = (uint8_t)mode;
    return LSB_OK;
}

int32_t lsb_publish_entry(lsb_sandbox *sandbox, int32_t function_index, int32_t scope, const double *arguments,
                          int32_t argc, int32_t *entry, int *created) {
    *created = 0;
    if (sandbox->L == NULL) return LSB_ERR_MEMORY;
    if (argc < 0 || argc > LSB_PUBLISHED_ARGUMENTS || function_index < 0 || function_index >= sandbox->mode_count ||
        sandbox->modes[function_index] == LSB_PUBLISH_NONE)
        return LSB_ERR_CONVERT;
    if (sandbox->modes[function_index] == LSB_PUBLISH_UNSCOPED) scope = -1;
    else if (scope < 0) return LSB_ERR_CONVERT;
    uint64_t bits[LSB_PUBLISHED_ARGUMENTS] = {0};
    for (int32_t i = 0; i < argc; i++) {
        if (!isfinite(arguments[i])) return LSB_ERR_CONVERT;
        bits[i] = argument_bits(arguments[i]);
    }
    int32_t found = find(sandbox, function_index, scope, bits, argc);
    if (found >= 0) { *entry = found; return LSB_OK; }
    if (sandbox->published_count == sandbox->published_capacity && !grow(sandbox))
        return sandbox->published_count >= LSB_PUBLISHED_LIMIT ? LSB_ERR_TOO_LARGE : LSB_ERR_MEMORY;
    int32_t index = sandbox->published_count++;
    lsb_published *slot = &sandbox->published[index];
    memset(slot, 0, sizeof *slot);
    slot->function = function_index;
    slot->scope = scope;
    slot->argc = argc;
    memcpy(slot->arguments, bits, sizeof bits);
    slot->result_count = 1; /* nil until the host publishes */
    uint32_t mask = (uint32_t)sandbox->published_bucket_count - 1;
    uint32_t bucket = (uint32_t)key_hash(function_index, scope, bits, argc) & mask;
    while (sandbox->published_buckets[bucket] >= 0) bucket = (bucket + 1) & mask;
    sandbox->published_buckets[bucket] = index;
    *entry = index;
    *created = 1;
    return LSB_OK;
}

/* The entry a handle names, or NULL for a handle from before a reset. */
static lsb_published *entry_at(lsb_sandbox *sandbox, int32_t entry, uint64_t generation) {
    if (generation != sandbox->generation || entry < 0 || entry >= sandbox->published_count) return NULL;
    return &sandbox->published[entry];
}

void lsb_publish_nil(lsb_sandbox *sandbox, int32_t entry, uint64_t generation) {
    lsb_published *slot = entry_at(sandbox, entry, generation);
    if (slot == NULL) return;
    slot->result_count = 1;
    slot->kinds[0] = LSB_NIL;
}

void lsb_publish_integer(lsb_sandbox *sandbox, int32_t entry, uint64_t generation, int64_t value) {
    lsb_published *slot = entry_at(sandbox, entry, generation);
    if (slot == NULL) return;
    slot->result_count = 1;
    slot->kinds[0] = LSB_INTEGER;
    slot->integers[0] = value;
}

void lsb_publish_numbers(lsb_sandbox *sandbox, int32_t entry, uint64_t generation, int32_t count,
                         double first, double second, double third) {
    lsb_published *slot = entry_at(sandbox, entry, generation);
    if (slot == NULL || count < 1 || count > LSB_PUBLISHED_RESULTS) return;
    slot->result_count = count;
    slot->kinds[0] = slot->kinds[1] = slot->kinds[2] = LSB_NUMBER;
    slot->numbers[0] = first;
    slot->numbers[1] = second;
    slot->numbers[2] = third;
}

int32_t lsb_published_key(lsb_sandbox *sandbox, const char *name, size_t length, int32_t *key) {
    if (sandbox->L == NULL) return LSB_ERR_MEMORY;
    if (length == 0 || length > LSB_PUBLISHED_KEY_BYTES || memchr(name, 0, length) != NULL) return LSB_ERR_CONVERT;
    for (int32_t i = 0; i < sandbox->published_key_count; i++) {
        const char *known = sandbox->published_keys[i].bytes;
        if (strlen(known) == length && memcmp(known, name, length) == 0) { *key = i; return LSB_OK; }
    }
    int32_t reserved = reserve_one(sandbox, (void **)&sandbox->published_keys, sandbox->published_key_count,
                                   &sandbox->published_key_capacity, LSB_PUBLISHED_KEY_LIMIT, sizeof *sandbox->published_keys, 8);
    if (reserved != LSB_OK) return reserved;
    lsb_published_field_name *added = &sandbox->published_keys[sandbox->published_key_count];
    memcpy(added->bytes, name, length);
    added->bytes[length] = 0;
    *key = sandbox->published_key_count++;
    return LSB_OK;
}

void lsb_publish_table(lsb_sandbox *sandbox, int32_t entry, uint64_t generation) {
    lsb_published *slot = entry_at(sandbox, entry, generation);
    if (slot == NULL) return;
    slot->result_count = 1;
    slot->kinds[0] = LSB_MAP;
    slot->field_count = 0;
    slot->text_length = 0;
}

/* The next field of a table answer, or NULL (then the entry is unavailable). */
static lsb_published *next_field(lsb_sandbox *sandbox, int32_t entry, uint64_t generation, int32_t key) {
    lsb_published *slot = entry_at(sandbox, entry, generation);
    if (slot == NULL || slot->result_count != 1 || slot->kinds[0] != LSB_MAP) return NULL;
    if (slot->field_count == LSB_PUBLISHED_FIELDS || key < 0 || key >= sandbox->published_key_count) {
        slot->result_count = -1;
        return NULL;
    }
    slot->field_keys[slot->field_count] = (uint8_t)key;
    return slot;
}

void lsb_publish_field_number(lsb_sandbox *sandbox, int32_t entry, uint64_t generation, int32_t key, double value) {
    lsb_published *slot = next_field(sandbox, entry, generation, key);
    if (slot == NULL) return;
    slot->field_kinds[slot->field_count] = LSB_NUMBER;
    slot->field_numbers[slot->field_count++] = value;
}

void lsb_publish_field_string(lsb_sandbox *sandbox, int32_t entry, uint64_t generation, int32_t key,
                              const char *bytes, size_t length) {
    lsb_published *slot = next_field(sandbox, entry, generation, key);
    if (slot == NULL) return;
    for (int32_t i = 0; i < slot->field_count; i++)
        if (slot->field_kinds[i] == LSB_STRING) { slot->result_count = -1; return; }
    if (length > LSB_PUBLISHED_TEXT_BYTES) { slot->result_count = -1; return; }
    memcpy(slot->text, bytes, length);
    slot->text_length = (uint8_t)length;
    slot->field_kinds[slot->field_count++] = LSB_STRING;
}

void lsb_publish_unavailable(lsb_sandbox *sandbox, int32_t entry, uint64_t generation) {
    lsb_published *slot = entry_at(sandbox, entry, generation);
    if (slot != NULL) slot->result_count = -1;
}

void lsb_set_scope(lsb_sandbox *sandbox, int32_t scope) { sandbox->current_scope = scope; }

int32_t lsb_name_scope(lsb_sandbox *sandbox, const char *name, size_t length, int32_t scope) {
    if (sandbox->L == NULL) return LSB_ERR_MEMORY;
    if (length == 0 || length > LSB_SCOPE_NAME_BYTES || scope < 0) return LSB_ERR_CONVERT;
    for (int32_t i = 0; i < sandbox->scope_name_count; i++) {
        lsb_scope_name *known = &sandbox->scope_names[i];
        if (known->length == length && memcmp(known->bytes, name, length) == 0) {
            known->scope = scope;
            return LSB_OK;
        }
    }
    int32_t reserved = reserve_one(sandbox, (void **)&sandbox->scope_names, sandbox->scope_name_count,
                                   &sandbox->scope_name_capacity, LSB_SCOPE_NAME_LIMIT, sizeof *sandbox->scope_names, 4);
    if (reserved != LSB_OK) return reserved;
    lsb_scope_name *added = &sandbox->scope_names[sandbox->scope_name_count++];
    memcpy(added->bytes, name, length);
    added->length = length;
    added->scope = scope;
    return LSB_OK;
}

/* Frees the tables (with the state: lsb_reset, lsb_close), through the
   allocator so the count stays exact while the state lives. */
void lsb_published_free(lsb_sandbox *sandbox) {
    if (sandbox->L != NULL) {
        quota_realloc(sandbox, sandbox->published, (size_t)sandbox->published_capacity * sizeof *sandbox->published, 0);
        quota_realloc(sandbox, sandbox->published_buckets,
                      (size_t)sandbox->published_bucket_count * sizeof *sandbox->published_buckets, 0);
        quota_realloc(sandbox, sandbox->modes, (size_t)sandbox->mode_count, 0);
        quota_realloc(sandbox, sandbox->scope_names,
                      (size_t)sandbox->scope_name_capacity * sizeof *sandbox->scope_names, 0);
        quota_realloc(sandbox, sandbox->published_keys,
                      (size_t)sandbox->published_key_capacity * sizeof *sandbox->published_keys, 0);
    }
    sandbox->published_keys = NULL;
    sandbox->published_key_count = sandbox->published_key_capacity = 0;
    sandbox->published = NULL;
    sandbox->published_buckets = NULL;
    sandbox->modes = NULL;
    sandbox->scope_names = NULL;
    sandbox->published_count = sandbox->published_capacity = sandbox->published_bucket_count = 0;
    sandbox->mode_count = 0;
    sandbox->scope_name_count = sandbox->scope_name_capacity = 0;
    sandbox->current_scope = -1;
    sandbox->answer_entry = -1;
}

/* ---- the trampoline's fast path ------------------------------------------ */

static int push_entry(lua_State *L, lsb_sandbox *sandbox, const lsb_published *entry);

int lsb_push_published(lua_State *L, lsb_sandbox *sandbox, int32_t function, int mode) {
    int top = lua_gettop(L);
    uint64_t bits[LSB_PUBLISHED_ARGUMENTS] = {0};
    int32_t argc = 0;
    int index = 1;
    for (; index <= top; index++) {
        /* As the argument tape converts it: an integer to the nearest
           double, a float as it is (so -0.0 stays -0.0). Integers, the
           common case, are tested first: one API call fewer. */
        double value;
        if (lua_isinteger(L, index)) value = (double)lua_tointeger(L, index);
        else if (lua_type(L, index) == LUA_TNUMBER) value = lua_tonumber(L, index);
        else break;
        if (argc == LSB_PUBLISHED_ARGUMENTS) return -1;
        if (!isfinite(value)) return -1; /* the ordinary path names the error */
        bits[argc++] = argument_bits(value);
    }
    int32_t scope = -1;
    if (mode == LSB_PUBLISH_SCOPED) {
        if (index == top && lua_type(L, index) == LUA_TSTRING) {
            size_t length = 0;
            const char *name = lua_tolstring(L, index, &length);
            for (int32_t i = 0; i < sandbox->scope_name_count && scope < 0; i++) {
                const lsb_scope_name *known = &sandbox->scope_names[i];
                if (known->length == length && memcmp(known->bytes, name, length) == 0) scope = known->scope;
            }
        } else if (index > top) {
            scope = sandbox->current_scope;
        }
        if (scope < 0) return -1;
    } else if (index <= top) {
        return -1;
    }
    if (sandbox->published_bucket_count == 0) return -1;
    uint32_t mask = (uint32_t)sandbox->published_bucket_count - 1;
    uint32_t bucket = (uint32_t)key_hash(function, scope, bits, argc) & mask;
    const lsb_published *entry;
    for (;;) {
        int32_t found = sandbox->published_buckets[bucket];
        if (found < 0) return -1;
        entry = &sandbox->published[found];
        if (entry->function == function && entry->scope == scope && entry->argc == argc &&
            entry->arguments[0] == bits[0] && entry->arguments[1] == bits[1] && entry->arguments[2] == bits[2])
            break;
        bucket = (bucket + 1) & mask;
    }
    return push_entry(L, sandbox, entry);
}

int32_t lsb_answer_published(lsb_sandbox *sandbox, int32_t entry, uint64_t generation) {
    lsb_published *slot = entry_at(sandbox, entry, generation);
    if (slot == NULL || slot->result_count < 0) return 0;
    sandbox->answer_entry = entry;
    return 1;
}

int lsb_push_answer(lua_State *L, lsb_sandbox *sandbox) {
    int32_t entry = sandbox->answer_entry;
    sandbox->answer_entry = -1;
    if (entry < 0 || entry >= sandbox->published_count) return -1;
    return push_entry(L, sandbox, &sandbox->published[entry]);
}

/* Pushes an entry's answer; -1 (nothing pushed) when it is unavailable. */
static int push_entry(lua_State *L, lsb_sandbox *sandbox, const lsb_published *entry) {
    if (entry->result_count < 0) return -1;
    if (entry->result_count == 1 && entry->kinds[0] == LSB_MAP) {
        /* As the ordinary path pushes a map: a table sized for its fields,
           filled in the published order (the same order, so the same
           layout and traversal order). */
        lua_createtable(L, 0, entry->field_count);
        for (int32_t i = 0; i < entry->field_count; i++) {
            if (entry->field_kinds[i] == LSB_STRING) lua_pushlstring(L, entry->text, entry->text_length);
            else lua_pushnumber(L, entry->field_numbers[i]);
            lua_setfield(L, -2, sandbox->published_keys[entry->field_keys[i]].bytes);
        }
        return 1;
    }
    for (int32_t i = 0; i < entry->result_count; i++) {
        switch (entry->kinds[i]) {
        case LSB_INTEGER: lua_pushinteger(L, (lua_Integer)entry->integers[i]); break;
        case LSB_NUMBER: lua_pushnumber(L, entry->numbers[i]); break;
        default: lua_pushnil(L); break;
        }
    }
    return entry->result_count;
}
