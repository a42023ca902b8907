/* The recipes by name (recipe.h); each is in a file of its own. */
#include "recipe.h"

#include <string.h>

static const struct wf_recipe *const all[] = { &wf_recipe_drupal, &wf_recipe_magento, &wf_recipe_wordpress };

const struct wf_recipe *wf_recipe_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(all[i]->name, name))
			return all[i];
	return NULL;
}

const char *wf_recipe_names(void)
{
	return "\"drupal\", \"magento\", \"wordpress\"";
}
