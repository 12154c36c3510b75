#ifndef LUNAR_CLUA_SHIM_H
#define LUNAR_CLUA_SHIM_H
/* The system Lua 5.4 headers. Swift code does not call Lua directly: the
   CSandbox target owns every lua_State. This module exists so the C target
   and the link line find Lua through pkg-config. */
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#endif
