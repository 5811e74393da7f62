/*
 * Authenticated task events: what makes the event channel safe to open to
 * the network for reporters on other machines (a Slurm node's task
 * wrapper).  Every datagram on an authenticated channel carries an
 * HMAC-SHA256 of its text under a key shared by the scheduler and the
 * nodes (a file, [executor] slurm_key_file), on a line of its own before
 * the event or acknowledgement line:
 *
 *   kerr-mac 1 <64 hex digits>\n
 *   kerr-event 1 seq=1 ...
 *
 * A datagram without it, or whose MAC does not match, is dropped: without
 * the key nobody can make the scheduler record a state.  A captured
 * datagram sent again changes nothing, as every event is applied once
 * by its sequence number.
 */
#ifndef KERR_EVENT_AUTH_H
#define KERR_EVENT_AUTH_H

#include <stddef.h>
#include <stdint.h>

#define EVENT_KEY_MIN		16	/* bytes: 128 bits at least */
#define EVENT_KEY_MAX		256
/* "kerr-mac 1 " + 64 hex digits + "\n". */
#define EVENT_AUTH_HEADER_LEN	(11 + 64 + 1)

struct event_key {
	uint8_t	bytes[EVENT_KEY_MAX];
	size_t	len;
};

/*
 * The key is the file's content without its trailing white space (say the
 * output of `head -c 32 /dev/urandom | base64`).  A file others may read
 * (mode o+r or o+w) is refused with -EPERM, a key shorter than
 * EVENT_KEY_MIN with -EINVAL, a longer one than EVENT_KEY_MAX with
 * -E2BIG.
 */
int	event_key_load(const char *path, struct event_key *ret);

/* Put the MAC header for msg[0..len) into buf (EVENT_AUTH_HEADER_LEN
 * bytes, no NUL). */
void	event_auth_header(const struct event_key *k, const char *msg,
	    size_t len, char *buf);
/*
 * Check an authenticated datagram: 0 and the message after the header in
 * *ret_msg / *ret_len, or -EPERM (no header, or a wrong MAC).
 */
int	event_auth_check(const struct event_key *k, const char *dgram,
	    size_t len, const char **ret_msg, size_t *ret_len);

#endif
