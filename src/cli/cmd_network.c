/* nq57 network (to be written). */
#include "cli/cli.h"

int cmd_network(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("nq57 network: not built yet");
}
