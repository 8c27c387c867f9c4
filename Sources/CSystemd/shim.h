#ifndef YEARD_CSYSTEMD_SHIM_H
#define YEARD_CSYSTEMD_SHIM_H
/* The Swift call site passes its own CODE_FILE/CODE_LINE/CODE_FUNC fields. */
#define SD_JOURNAL_SUPPRESS_LOCATION 1
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#include <sys/uio.h>
#include <sys/socket.h>

/* sd_journal_send is variadic and cannot be called from Swift; sd_journal_sendv takes an iovec array. */
static inline int yeard_journal_sendv(const struct iovec *iov, int n) {
    return sd_journal_sendv(iov, n);
}
#endif
