#include "cpostgres.h"
#include <stddef.h>

PGconn *cpq_connect(const char *conninfo, const char *application_name, const char *connect_timeout) {
    // Arrays are read start to end and a later key wins: the defaults come
    // first, so whatever the expanded conninfo (dbname) names overrides them.
    const char *keys[4];
    const char *values[4];
    int n = 0;
    if (application_name) { keys[n] = "application_name"; values[n++] = application_name; }
    if (connect_timeout) { keys[n] = "connect_timeout"; values[n++] = connect_timeout; }
    keys[n] = "dbname"; values[n++] = conninfo;
    keys[n] = NULL; values[n] = NULL;
    return PQconnectdbParams(keys, values, 1);
}

PGresult *cpq_exec(PGconn *conn, const char *sql, int n, const char *const *values) {
    return PQexecParams(conn, sql, n, NULL, values, NULL, NULL, 0);
}

const char *cpq_sqlstate(const PGresult *res) {
    const char *s = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    return s ? s : "";
}
