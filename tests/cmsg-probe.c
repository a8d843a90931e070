/*
 * cmsg-probe.c - prints, for each control message of mio_udp_msg(3),
 * whether the platform carries it (cmsgprobe.h): one line each,
 *
 *	<name> ok
 *	<name> broken <why>
 *
 * The example harnesses (man/run-examples.py, examples/check-udp-quic-
 * echo.sh) run it, built for the target as the servers they drive are,
 * so that under qemu-user it asks the same emulator the servers run on.
 * Exit 0 whatever it finds.
 *
 * SPDX-License-Identifier: MIT
 */
#include "cmsgprobe.h"

#include <stdio.h>

int main(void)
{
	for (int m = 0; m < CP_COUNT; m++) {
		const char *why = cp_broken((enum cp_msg)m);
		if (why == NULL)
			printf("%s ok\n", cp_name((enum cp_msg)m));
		else
			printf("%s broken %s\n", cp_name((enum cp_msg)m), why);
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
