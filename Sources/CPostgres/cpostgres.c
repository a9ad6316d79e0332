#include "cpostgres.h"
#include <stddef.h>

PGconn *cpq_connect(const char *conninfo, const char *application_name, const char *connect_timeout) {
    return cpq_connect_with(conninfo, application_name, connect_timeout, 0, NULL, NULL);
}

PGconn *cpq_connect_with(const char *conninfo, const char *application_name, const char *connect_timeout,
                         int extra, const char *const *extra_keys, const char *const *extra_values) {
    // Arrays are read start to end and a later key wins: the defaults come
    // first, so whatever the expanded conninfo (dbname) names overrides them.
    const char *keys[20];
    const char *values[20];
    int n = 0;
    if (application_name) { keys[n] = "application_name"; values[n++] = application_name; }
    if (connect_timeout) { keys[n] = "connect_timeout"; values[n++] = connect_timeout; }
    for (int i = 0; i < extra && i < 16; i++) {
        if (extra_keys[i] && extra_values[i]) { keys[n] = extra_keys[i]; values[n++] = extra_values[i]; }
    }
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
