/* organisation */
#include "domain/ecosystem/organisation.h"
