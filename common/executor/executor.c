/*
 * The executors by name, as the config's [executor] backend names them.
 */
#include <string.h>

#include "executor.h"

static const struct executor_ops *const executors[] = {
	&executor_local, &executor_slurm
};

const struct executor_ops *
executor_find(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < sizeof(executors) /
	    sizeof(executors[0]); i++)
		if (strcmp(name, executors[i]->name) == 0)
			return (executors[i]);
	return (NULL);
}
