/*
 * mio.h - Metal I/O for C: readiness-based, non-blocking I/O.
 *
 * The public contract of libmio.so.1 (ELF version node MIO_1.0).  Every
 * library object is opaque.  Fallible functions return >= 0 on success and
 * a negative errno value on failure; they never abort, print or raise a
 * signal.  See mio(7) for the model and mio_poll(3) for the loop.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef MIO_H
#define MIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Core                                                                */
/* ------------------------------------------------------------------ */

typedef struct mio_poll     mio_poll;
typedef struct mio_registry mio_registry;
typedef struct mio_events   mio_events;
typedef struct mio_event    mio_event;
typedef struct mio_waker    mio_waker;

typedef uintptr_t    mio_token;     /* any value; a pointer fits */
typedef unsigned int mio_interest;  /* OR of the flags below, never 0 */

#define MIO_READABLE  0x01u
#define MIO_WRITABLE  0x02u
#define MIO_AIO       0x04u   /* -EOPNOTSUPP where the OS has no AIO readiness (Linux) */
#define MIO_LIO       0x08u   /* likewise */
#define MIO_PRIORITY  0x10u   /* out-of-band data / EPOLLPRI */

const char *mio_version(void);
const char *mio_backend(void);

int           mio_poll_new(mio_poll **out);
void          mio_poll_free(mio_poll *poll);
mio_registry *mio_poll_registry(mio_poll *poll);
int           mio_poll_fd(const mio_poll *poll);
int           mio_poll_wait(mio_poll *poll, mio_events *events,
                            const struct timespec *timeout);

int  mio_registry_register(mio_registry *r, int fd, mio_token token, mio_interest interests);
int  mio_registry_reregister(mio_registry *r, int fd, mio_token token, mio_interest interests);
int  mio_registry_deregister(mio_registry *r, int fd);
int  mio_registry_try_clone(const mio_registry *r, mio_registry **out);
void mio_registry_free(mio_registry *r);

int              mio_events_new(size_t capacity, mio_events **out);
void             mio_events_free(mio_events *events);
size_t           mio_events_capacity(const mio_events *events);
size_t           mio_events_len(const mio_events *events);
bool             mio_events_is_empty(const mio_events *events);
void             mio_events_clear(mio_events *events);
const mio_event *mio_events_get(const mio_events *events, size_t index);

mio_token mio_event_token(const mio_event *e);
bool      mio_event_is_readable(const mio_event *e);
bool      mio_event_is_writable(const mio_event *e);
bool      mio_event_is_error(const mio_event *e);
bool      mio_event_is_read_closed(const mio_event *e);
bool      mio_event_is_write_closed(const mio_event *e);
bool      mio_event_is_priority(const mio_event *e);
bool      mio_event_is_aio(const mio_event *e);
bool      mio_event_is_lio(const mio_event *e);

int  mio_waker_new(mio_registry *r, mio_token token, mio_waker **out);
int  mio_waker_wake(mio_waker *w);
void mio_waker_free(mio_waker *w);

/* ------------------------------------------------------------------ */
/* Addresses                                                           */
/* ------------------------------------------------------------------ */

int mio_addr_parse(const char *text, struct sockaddr_storage *out, socklen_t *out_len);
int mio_addr_format(const struct sockaddr *addr, socklen_t len, char *buf, size_t buf_len);

/* ------------------------------------------------------------------ */
/* TCP                                                                 */
/* ------------------------------------------------------------------ */

typedef struct mio_tcp_listener mio_tcp_listener;
typedef struct mio_tcp_stream   mio_tcp_stream;

int  mio_tcp_listener_bind(const struct sockaddr *addr, socklen_t len, mio_tcp_listener **out);
int  mio_tcp_listener_accept(mio_tcp_listener *l, mio_tcp_stream **out,
                             struct sockaddr_storage *peer, socklen_t *peer_len);
int  mio_tcp_listener_local_addr(const mio_tcp_listener *l, struct sockaddr_storage *addr, socklen_t *len);
int  mio_tcp_listener_set_ttl(mio_tcp_listener *l, uint32_t ttl);
int  mio_tcp_listener_ttl(const mio_tcp_listener *l, uint32_t *ttl);
int  mio_tcp_listener_take_error(mio_tcp_listener *l, int *error);
int  mio_tcp_listener_fd(const mio_tcp_listener *l);
int  mio_tcp_listener_from_fd(int fd, mio_tcp_listener **out);
int  mio_tcp_listener_into_fd(mio_tcp_listener *l);
void mio_tcp_listener_free(mio_tcp_listener *l);

int     mio_tcp_stream_connect(const struct sockaddr *addr, socklen_t len, mio_tcp_stream **out);
int     mio_tcp_stream_peer_addr(const mio_tcp_stream *s, struct sockaddr_storage *addr, socklen_t *len);
int     mio_tcp_stream_local_addr(const mio_tcp_stream *s, struct sockaddr_storage *addr, socklen_t *len);
int     mio_tcp_stream_shutdown(mio_tcp_stream *s, int how);
int     mio_tcp_stream_set_nodelay(mio_tcp_stream *s, bool on);
int     mio_tcp_stream_nodelay(const mio_tcp_stream *s, bool *on);
int     mio_tcp_stream_set_ttl(mio_tcp_stream *s, uint32_t ttl);
int     mio_tcp_stream_ttl(const mio_tcp_stream *s, uint32_t *ttl);
int     mio_tcp_stream_take_error(mio_tcp_stream *s, int *error);
ssize_t mio_tcp_stream_read(mio_tcp_stream *s, void *buf, size_t len);
ssize_t mio_tcp_stream_write(mio_tcp_stream *s, const void *buf, size_t len);
ssize_t mio_tcp_stream_readv(mio_tcp_stream *s, const struct iovec *iov, int iovcnt);
ssize_t mio_tcp_stream_writev(mio_tcp_stream *s, const struct iovec *iov, int iovcnt);
ssize_t mio_tcp_stream_peek(mio_tcp_stream *s, void *buf, size_t len);
int     mio_tcp_stream_fd(const mio_tcp_stream *s);
int     mio_tcp_stream_from_fd(int fd, mio_tcp_stream **out);
int     mio_tcp_stream_into_fd(mio_tcp_stream *s);
void    mio_tcp_stream_free(mio_tcp_stream *s);

/* ------------------------------------------------------------------ */
/* UDP                                                                 */
/* ------------------------------------------------------------------ */

typedef struct mio_udp_socket mio_udp_socket;

int     mio_udp_socket_bind(const struct sockaddr *addr, socklen_t len, mio_udp_socket **out);
int     mio_udp_socket_local_addr(const mio_udp_socket *u, struct sockaddr_storage *addr, socklen_t *len);
int     mio_udp_socket_peer_addr(const mio_udp_socket *u, struct sockaddr_storage *addr, socklen_t *len);
int     mio_udp_socket_connect(mio_udp_socket *u, const struct sockaddr *addr, socklen_t len);
ssize_t mio_udp_socket_send_to(mio_udp_socket *u, const void *buf, size_t len,
                               const struct sockaddr *to, socklen_t to_len);
ssize_t mio_udp_socket_recv_from(mio_udp_socket *u, void *buf, size_t len,
                                 struct sockaddr_storage *from, socklen_t *from_len);
ssize_t mio_udp_socket_peek_from(mio_udp_socket *u, void *buf, size_t len,
                                 struct sockaddr_storage *from, socklen_t *from_len);
ssize_t mio_udp_socket_send(mio_udp_socket *u, const void *buf, size_t len);
ssize_t mio_udp_socket_recv(mio_udp_socket *u, void *buf, size_t len);
ssize_t mio_udp_socket_peek(mio_udp_socket *u, void *buf, size_t len);
int     mio_udp_socket_set_broadcast(mio_udp_socket *u, bool on);
int     mio_udp_socket_broadcast(const mio_udp_socket *u, bool *on);
int     mio_udp_socket_set_multicast_loop_v4(mio_udp_socket *u, bool on);
int     mio_udp_socket_multicast_loop_v4(const mio_udp_socket *u, bool *on);
int     mio_udp_socket_set_multicast_ttl_v4(mio_udp_socket *u, uint32_t ttl);
int     mio_udp_socket_multicast_ttl_v4(const mio_udp_socket *u, uint32_t *ttl);
int     mio_udp_socket_set_multicast_loop_v6(mio_udp_socket *u, bool on);
int     mio_udp_socket_multicast_loop_v6(const mio_udp_socket *u, bool *on);
int     mio_udp_socket_set_ttl(mio_udp_socket *u, uint32_t ttl);
int     mio_udp_socket_ttl(const mio_udp_socket *u, uint32_t *ttl);
int     mio_udp_socket_join_multicast_v4(mio_udp_socket *u, const struct in_addr *group,
                                         const struct in_addr *iface);
int     mio_udp_socket_leave_multicast_v4(mio_udp_socket *u, const struct in_addr *group,
                                          const struct in_addr *iface);
int     mio_udp_socket_join_multicast_v6(mio_udp_socket *u, const struct in6_addr *group,
                                         uint32_t ifindex);
int     mio_udp_socket_leave_multicast_v6(mio_udp_socket *u, const struct in6_addr *group,
                                          uint32_t ifindex);
int     mio_udp_socket_only_v6(const mio_udp_socket *u, bool *on);
int     mio_udp_socket_take_error(mio_udp_socket *u, int *error);
int     mio_udp_socket_fd(const mio_udp_socket *u);
int     mio_udp_socket_from_fd(int fd, mio_udp_socket **out);
int     mio_udp_socket_into_fd(mio_udp_socket *u);
void    mio_udp_socket_free(mio_udp_socket *u);

/* ------------------------------------------------------------------ */
/* Unix domain sockets                                                 */
/* ------------------------------------------------------------------ */

typedef struct mio_unix_listener mio_unix_listener;
typedef struct mio_unix_stream   mio_unix_stream;
typedef struct mio_unix_datagram mio_unix_datagram;

int  mio_unix_listener_bind(const char *path, mio_unix_listener **out);
int  mio_unix_listener_bind_addr(const struct sockaddr_un *addr, socklen_t len, mio_unix_listener **out);
int  mio_unix_listener_accept(mio_unix_listener *l, mio_unix_stream **out,
                              struct sockaddr_un *peer, socklen_t *peer_len);
int  mio_unix_listener_local_addr(const mio_unix_listener *l, struct sockaddr_un *addr, socklen_t *len);
int  mio_unix_listener_take_error(mio_unix_listener *l, int *error);
int  mio_unix_listener_fd(const mio_unix_listener *l);
int  mio_unix_listener_from_fd(int fd, mio_unix_listener **out);
int  mio_unix_listener_into_fd(mio_unix_listener *l);
void mio_unix_listener_free(mio_unix_listener *l);

int     mio_unix_stream_connect(const char *path, mio_unix_stream **out);
int     mio_unix_stream_connect_addr(const struct sockaddr_un *addr, socklen_t len, mio_unix_stream **out);
int     mio_unix_stream_pair(mio_unix_stream **a, mio_unix_stream **b);
int     mio_unix_stream_local_addr(const mio_unix_stream *s, struct sockaddr_un *addr, socklen_t *len);
int     mio_unix_stream_peer_addr(const mio_unix_stream *s, struct sockaddr_un *addr, socklen_t *len);
int     mio_unix_stream_shutdown(mio_unix_stream *s, int how);
int     mio_unix_stream_take_error(mio_unix_stream *s, int *error);
ssize_t mio_unix_stream_read(mio_unix_stream *s, void *buf, size_t len);
ssize_t mio_unix_stream_write(mio_unix_stream *s, const void *buf, size_t len);
ssize_t mio_unix_stream_readv(mio_unix_stream *s, const struct iovec *iov, int iovcnt);
ssize_t mio_unix_stream_writev(mio_unix_stream *s, const struct iovec *iov, int iovcnt);
int     mio_unix_stream_fd(const mio_unix_stream *s);
int     mio_unix_stream_from_fd(int fd, mio_unix_stream **out);
int     mio_unix_stream_into_fd(mio_unix_stream *s);
void    mio_unix_stream_free(mio_unix_stream *s);

int     mio_unix_datagram_bind(const char *path, mio_unix_datagram **out);
int     mio_unix_datagram_bind_addr(const struct sockaddr_un *addr, socklen_t len, mio_unix_datagram **out);
int     mio_unix_datagram_unbound(mio_unix_datagram **out);
int     mio_unix_datagram_pair(mio_unix_datagram **a, mio_unix_datagram **b);
int     mio_unix_datagram_connect(mio_unix_datagram *d, const char *path);
int     mio_unix_datagram_connect_addr(mio_unix_datagram *d, const struct sockaddr_un *addr, socklen_t len);
int     mio_unix_datagram_local_addr(const mio_unix_datagram *d, struct sockaddr_un *addr, socklen_t *len);
int     mio_unix_datagram_peer_addr(const mio_unix_datagram *d, struct sockaddr_un *addr, socklen_t *len);
ssize_t mio_unix_datagram_send_to(mio_unix_datagram *d, const void *buf, size_t len, const char *path);
ssize_t mio_unix_datagram_send_to_addr(mio_unix_datagram *d, const void *buf, size_t len,
                                       const struct sockaddr_un *to, socklen_t to_len);
ssize_t mio_unix_datagram_recv_from(mio_unix_datagram *d, void *buf, size_t len,
                                    struct sockaddr_un *from, socklen_t *from_len);
ssize_t mio_unix_datagram_send(mio_unix_datagram *d, const void *buf, size_t len);
ssize_t mio_unix_datagram_recv(mio_unix_datagram *d, void *buf, size_t len);
int     mio_unix_datagram_shutdown(mio_unix_datagram *d, int how);
int     mio_unix_datagram_take_error(mio_unix_datagram *d, int *error);
int     mio_unix_datagram_fd(const mio_unix_datagram *d);
int     mio_unix_datagram_from_fd(int fd, mio_unix_datagram **out);
int     mio_unix_datagram_into_fd(mio_unix_datagram *d);
void    mio_unix_datagram_free(mio_unix_datagram *d);

/* ------------------------------------------------------------------ */
/* Pipes                                                               */
/* ------------------------------------------------------------------ */

typedef struct mio_pipe_sender   mio_pipe_sender;
typedef struct mio_pipe_receiver mio_pipe_receiver;

int     mio_pipe_new(mio_pipe_sender **tx, mio_pipe_receiver **rx);
ssize_t mio_pipe_sender_write(mio_pipe_sender *tx, const void *buf, size_t len);
ssize_t mio_pipe_sender_writev(mio_pipe_sender *tx, const struct iovec *iov, int iovcnt);
int     mio_pipe_sender_set_nonblocking(mio_pipe_sender *tx, bool on);
int     mio_pipe_sender_fd(const mio_pipe_sender *tx);
int     mio_pipe_sender_from_fd(int fd, mio_pipe_sender **out);
int     mio_pipe_sender_into_fd(mio_pipe_sender *tx);
void    mio_pipe_sender_free(mio_pipe_sender *tx);

ssize_t mio_pipe_receiver_read(mio_pipe_receiver *rx, void *buf, size_t len);
ssize_t mio_pipe_receiver_readv(mio_pipe_receiver *rx, const struct iovec *iov, int iovcnt);
int     mio_pipe_receiver_set_nonblocking(mio_pipe_receiver *rx, bool on);
int     mio_pipe_receiver_fd(const mio_pipe_receiver *rx);
int     mio_pipe_receiver_from_fd(int fd, mio_pipe_receiver **out);
int     mio_pipe_receiver_into_fd(mio_pipe_receiver *rx);
void    mio_pipe_receiver_free(mio_pipe_receiver *rx);

#ifdef __cplusplus
}
#endif

#endif /* MIO_H */
