#ifndef YEARD_CSYSTEMD_SHIM_H
#define YEARD_CSYSTEMD_SHIM_H
/* The Swift call site passes its own CODE_FILE/CODE_LINE/CODE_FUNC fields. */
#define SD_JOURNAL_SUPPRESS_LOCATION 1
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#include <sys/uio.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <malloc.h>

/* sd_journal_send is variadic and cannot be called from Swift; sd_journal_sendv takes an iovec array. */
static inline int yeard_journal_sendv(const struct iovec *iov, int n) {
    return sd_journal_sendv(iov, n);
}

/* SO_PEERGROUPS (Linux 4.13): the connecting process's supplementary groups, as the kernel recorded them. NIO reads
   socket options into a value of fixed size, so the answer lands in this buffer; the kernel sorts the groups. */
#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59
#endif
#define YEARD_MAX_PEER_GROUPS 1024
typedef struct { gid_t groups[YEARD_MAX_PEER_GROUPS]; } yeard_peer_groups;
static const int yeard_so_peergroups = SO_PEERGROUPS;

/* glibc's mallopt parameter for the number of malloc arenas (malloc.h is not in Swift's Glibc module). */
static const int yeard_m_arena_max = M_ARENA_MAX;

#endif
