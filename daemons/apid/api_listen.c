/*
 * apid's listening socket and its limits (api_listen.h).  TLS is
 * libmicrohttpd's own, over GnuTLS: it takes the PEMs in memory.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api_listen.h"
#include "log.h"
#include "notify.h"

#define API_LISTEN_PEM_MAX	(1024 * 1024)

static int
api_listen_sockaddr(const struct conf *conf, struct sockaddr_storage *ss,
    unsigned int *flags)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, conf->listen_address, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)conf->port);
		return (0);
	}
	if (inet_pton(AF_INET6, conf->listen_address, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)conf->port);
		*flags |= MHD_USE_IPv6;
		return (0);
	}
	return (-EINVAL);
}

/* 127.0.0.0/8, ::1 or ::ffff:127.0.0.0/104: only this machine. */
static int
api_listen_is_loopback(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in	*sin = (const void *)ss;
	const struct sockaddr_in6	*sin6 = (const void *)ss;

	if (ss->ss_family == AF_INET)
		return ((ntohl(sin->sin_addr.s_addr) >> 24) == 127);
	if (ss->ss_family == AF_INET6)
		return (IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr) ||
		    (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr) &&
		    sin6->sin6_addr.s6_addr[12] == 127));
	return (ss->ss_family == AF_UNIX);
}

/* Anyone who reaches an open address could run commands as the task
 * user: only with tokens, or when the operator says so. */
static int
api_listen_check_exposure(const struct conf *conf,
    const struct sockaddr_storage *ss)
{
	char	addr[INET6_ADDRSTRLEN] = "?";

	if (api_listen_is_loopback(ss) || conf->auth_token ||
	    conf->allow_unauthenticated)
		return (0);
	if (ss->ss_family == AF_INET)
		(void)inet_ntop(AF_INET, &((const struct sockaddr_in *)
		    (const void *)ss)->sin_addr, addr, sizeof(addr));
	else if (ss->ss_family == AF_INET6)
		(void)inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
		    (const void *)ss)->sin6_addr, addr, sizeof(addr));
	log_err("Refusing to serve the API on %s with auth = none: anyone "
	    "reaching it could run commands; set auth = token in [apid] "
	    "(or allow_unauthenticated = true to accept that)", addr);
	return (-EPERM);
}

/* A PEM file, whole, NUL-terminated. */
static int
api_listen_read_pem(const char *path, char **ret)
{
	struct stat	 st;
	ssize_t		 n;
	size_t		 off = 0;
	char		*buf;
	int		 fd, r = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(fd, &st) != 0) {
		r = -errno;
		log_err("Failed to read '%s': %s", path, strerror(errno));
		if (fd >= 0)
			(void)close(fd);
		return (r);
	}
	if (st.st_size <= 0 || st.st_size > API_LISTEN_PEM_MAX ||
	    (buf = malloc((size_t)st.st_size + 1)) == NULL) {
		log_err("Failed to read '%s': empty or larger than %d bytes",
		    path, API_LISTEN_PEM_MAX);
		(void)close(fd);
		return (-EINVAL);
	}
	while (off < (size_t)st.st_size && r == 0)
		if ((n = read(fd, buf + off, (size_t)st.st_size - off)) > 0)
			off += (size_t)n;
		else if (n == 0 || errno != EINTR)
			r = n == 0 ? -EIO : -errno;
	(void)close(fd);
	if (r < 0) {
		log_err("Failed to read '%s': %s", path, strerror(-r));
		free(buf);
		return (r);
	}
	buf[off] = '\0';
	*ret = buf;
	return (0);
}

static int
api_listen_tls(const struct conf *conf, struct api_listen *l)
{
	int	r;

	if (conf->tls_cert[0] == '\0' && conf->tls_key[0] == '\0')
		return (0);
	if (conf->tls_cert[0] == '\0' || conf->tls_key[0] == '\0') {
		log_err("TLS needs both tls_cert and tls_key in [apid]");
		return (-EINVAL);
	}
	if ((r = api_listen_read_pem(conf->tls_cert, &l->cert_pem)) < 0 ||
	    (r = api_listen_read_pem(conf->tls_key, &l->key_pem)) < 0)
		return (r);
	l->flags |= MHD_USE_TLS;
	return (0);
}

/* Where to listen and whether that address is allowed. */
static int
api_listen_where(const struct conf *conf, struct api_listen *l)
{
	socklen_t	len = sizeof(l->ss);
	int		r;

	if ((r = notify_listen_fd(&l->fd)) < 0) {
		log_err("Failed to take the socket systemd passed: %s",
		    strerror(-r));
		return (r);
	}
	if (r == 0) {
		l->fd = -1;
		if (api_listen_sockaddr(conf, &l->ss, &l->flags) < 0) {
			log_err("Invalid listen_address '%s'",
			    conf->listen_address);
			return (-EINVAL);
		}
	} else if (getsockname(l->fd, (struct sockaddr *)&l->ss, &len) != 0) {
		r = -errno;
		log_err("Failed to read the address of the socket systemd "
		    "passed: %s", strerror(errno));
		return (r);
	}
	return (api_listen_check_exposure(conf, &l->ss));
}

static void
api_listen_option(struct api_listen *l, size_t *n, enum MHD_OPTION opt,
    intptr_t value, void *ptr)
{
	l->options[*n].option = opt;
	l->options[*n].value = value;
	l->options[*n].ptr_value = ptr;
	(*n)++;
}

int
api_listen_prepare(const struct conf *conf, struct api_listen *l)
{
	size_t	n = 0;
	int	r;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	if ((r = api_listen_where(conf, l)) < 0 ||
	    (r = api_listen_tls(conf, l)) < 0) {
		api_listen_clear(l);
		return (r);
	}
	if (l->fd >= 0)
		api_listen_option(l, &n, MHD_OPTION_LISTEN_SOCKET, l->fd, NULL);
	else
		api_listen_option(l, &n, MHD_OPTION_SOCK_ADDR, 0, &l->ss);
	api_listen_option(l, &n, MHD_OPTION_THREAD_POOL_SIZE,
	    conf->http_threads, NULL);
	api_listen_option(l, &n, MHD_OPTION_CONNECTION_TIMEOUT,
	    conf->idle_timeout_seconds, NULL);
	api_listen_option(l, &n, MHD_OPTION_CONNECTION_LIMIT,
	    conf->max_connections, NULL);
	/* The request line and headers must fit in a connection's pool,
	 * with room for the reply's headers. */
	api_listen_option(l, &n, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (intptr_t)conf->max_header_bytes + 4096, NULL);
	if (l->cert_pem != NULL) {
		api_listen_option(l, &n, MHD_OPTION_HTTPS_MEM_CERT, 0,
		    l->cert_pem);
		api_listen_option(l, &n, MHD_OPTION_HTTPS_MEM_KEY, 0,
		    l->key_pem);
	}
	api_listen_option(l, &n, MHD_OPTION_END, 0, NULL);
	return (0);
}

void
api_listen_clear(struct api_listen *l)
{
	if (l->key_pem != NULL)
		explicit_bzero(l->key_pem, strlen(l->key_pem));
	free(l->key_pem);
	free(l->cert_pem);
	l->key_pem = l->cert_pem = NULL;
}
