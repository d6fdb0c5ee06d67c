/* registry */
#include "domain/ecosystem/registry.h"
