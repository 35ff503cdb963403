<?php

defined('BASEPATH') or exit('No direct script access allowed');

$lang['sla_vigil'] = 'SLA Vigil';
$lang['sla_vigil_service_url'] = 'URL des SLA-Vigil-Dienstes';
$lang['sla_vigil_secret'] = 'Gemeinsames Geheimnis';
