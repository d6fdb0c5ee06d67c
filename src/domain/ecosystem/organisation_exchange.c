/* organisation_exchange */
#include "domain/ecosystem/organisation.h"
