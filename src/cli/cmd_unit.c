/* nq57 unit (placeholder until built). */
#include "cli/cli.h"

int cmd_unit(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("nq57 unit is not available yet");
}
