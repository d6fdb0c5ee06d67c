/* nq57 user (placeholder until built). */
#include "cli/cli.h"

int cmd_user(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("nq57 user is not available yet");
}
