#ifndef CPOSTGRES_H
#define CPOSTGRES_H
#include <postgresql/libpq-fe.h>

/// Connects with `conninfo` (a postgresql:// URI, a key=value string, or ""
/// for libpq's PG* variables, ~/.pgpass and service files alone).
/// `application_name` and `connect_timeout` are defaults the URI may override
/// (NULL: unset, so PGAPPNAME / PGCONNECT_TIMEOUT apply). Always returns a
/// handle (check PQstatus); NULL only when libpq is out of memory.
PGconn *cpq_connect(const char *conninfo, const char *application_name, const char *connect_timeout);

/// Like `cpq_connect`, with `n` more default keywords (`keys[i]` = `values[i]`,
/// e.g. keepalives_idle, tcp_user_timeout) that the conninfo may override.
/// At most 16 extra pairs; more are ignored.
PGconn *cpq_connect_with(const char *conninfo, const char *application_name, const char *connect_timeout,
                         int n, const char *const *keys, const char *const *values);

/// PQexecParams with every parameter as text ($1…), result as text: the only
/// way SQL runs here, so a value is never spliced into a statement.
/// `values[i]` NULL is SQL NULL.
PGresult *cpq_exec(PGconn *conn, const char *sql, int n, const char *const *values);

/// The SQLSTATE of a failed result ("" when there is none, e.g. a lost connection).
const char *cpq_sqlstate(const PGresult *res);

#endif
