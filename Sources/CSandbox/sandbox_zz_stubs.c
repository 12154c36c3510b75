#include "sandbox_internal.h"
#define STUB(name) int name(lua_State *L) { return luaL_error(L, #name " pending"); }
STUB(lsb_str_find) STUB(lsb_str_match) STUB(lsb_str_gmatch) STUB(lsb_str_gsub) STUB(lsb_str_rep)
STUB(lsb_tab_concat) STUB(lsb_tab_insert) STUB(lsb_tab_remove) STUB(lsb_tab_move) STUB(lsb_tab_sort) STUB(lsb_tab_unpack) STUB(lsb_tab_pack)
