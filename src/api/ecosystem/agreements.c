/* api/ecosystem/agreements */
#include "api/ecosystem/agreements.h"
