/* nq57 stmap (to be written). */
#include "cli/cli.h"

int cmd_stmap(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return cli_fail("nq57 stmap: not built yet");
}
