/*
 * How apid listens (api_listen.c): where (the socket systemd passed, or
 * listen_address:port), whether it may (a non-loopback address needs
 * auth = token or allow_unauthenticated), over TLS when tls_cert and
 * tls_key are set, and within the connection limits of the [apid] keys.
 * The result is the flags and option array MHD_start_daemon takes.
 */
#ifndef KERR_API_LISTEN_H
#define KERR_API_LISTEN_H

#include <sys/socket.h>

#include <microhttpd.h>

#include "conf.h"

#define API_LISTEN_OPTIONS	12

struct api_listen {
	unsigned int		 flags;		/* MHD_USE_* to add */
	int			 fd;		/* systemd's, or -1 */
	struct sockaddr_storage	 ss;		/* when fd < 0 */
	char			*cert_pem;	/* NULL: plain HTTP */
	char			*key_pem;
	struct MHD_OptionItem	 options[API_LISTEN_OPTIONS];
};

/* Fill l from conf and the environment; 0, or -errno after logging the
 * one-line reason (the refusal of an open address included). */
int	api_listen_prepare(const struct conf *conf, struct api_listen *l);
/* The key wiped and both PEMs freed. */
void	api_listen_clear(struct api_listen *l);

#endif
