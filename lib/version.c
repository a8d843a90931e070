/* version.c - what library and backend this is. SPDX-License-Identifier: MIT */
#include "mio-private.h"

MIO_EXPORT const char *mio_version(void)
{
	return PACKAGE_VERSION;
}

MIO_EXPORT const char *mio_backend(void)
{
	return MIO_BACKEND_NAME;
}
