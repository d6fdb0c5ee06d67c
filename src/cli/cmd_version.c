/* nq57 version */
#include "cli/cli.h"

#include <stdio.h>

int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("nq57 %s\n", NQ57_VERSION);
	return 0;
}
