#ifndef LUNAR_CSQLITE_SHIM_H
#define LUNAR_CSQLITE_SHIM_H
#include <sqlite3.h>

/* sqlite3_bind_text/blob take a destructor; SQLITE_TRANSIENT is a macro that
   casts -1 to a function pointer, which Swift cannot import. */
static inline int csqlite_bind_text_transient(sqlite3_stmt *statement, int index, const char *text, int length) {
    return sqlite3_bind_text(statement, index, text, length, SQLITE_TRANSIENT);
}
static inline int csqlite_bind_blob_transient(sqlite3_stmt *statement, int index, const void *bytes, int length) {
    return sqlite3_bind_blob(statement, index, bytes, length, SQLITE_TRANSIENT);
}
#endif
