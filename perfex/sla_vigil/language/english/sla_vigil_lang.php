<?php

defined('BASEPATH') or exit('No direct script access allowed');

$lang['sla_vigil'] = 'SLA Vigil';
$lang['sla_vigil_service_url'] = 'SLA Vigil service URL';
$lang['sla_vigil_secret'] = 'Shared secret';
