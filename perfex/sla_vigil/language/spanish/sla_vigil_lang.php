<?php

defined('BASEPATH') or exit('No direct script access allowed');

$lang['sla_vigil'] = 'SLA Vigil';
$lang['sla_vigil_service_url'] = 'URL del servicio SLA Vigil';
$lang['sla_vigil_secret'] = 'Secreto compartido';
