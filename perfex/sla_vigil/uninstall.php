<?php

declare(strict_types=1);

defined('BASEPATH') or exit('No direct script access allowed');

/*
 * Perfex runs this file, when present, to uninstall a module (instead of its uninstall hook),
 * and only once the module is deactivated, when its init file is no longer loaded: so the
 * clean-up must not depend on anything the init file registers.
 */
require_once __DIR__ . '/libraries/Sla_vigil_setup.php';

Sla_vigil_setup::uninstall();
